"""The bottom layer: diagnostic codes as data, the model, errors, numbers (parsed and
shown), the arithmetic of progress, file I/O, signing, i18n. Imports nothing else of
okrctl."""
