"""Renderers: result objects in, text out. No renderer computes a number."""
