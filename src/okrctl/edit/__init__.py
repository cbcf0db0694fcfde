"""Writers: check-ins, new goals, fmt, roll, init. Each writes through core.fileio (locked,
atomic). Imports core, load, metrics, rules and evaluate."""
