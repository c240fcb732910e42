"""The category scorer in use, refits, editors' corrections as labels."""
