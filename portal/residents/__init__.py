"""Profiles, devices and transfer codes, what a resident holds."""
