"""Application services: the logic behind routes, jobs and CLI, with no HTTP in it."""
