"""Mitra: international cooperation and performance accountability."""
