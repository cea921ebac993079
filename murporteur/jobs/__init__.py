"""Background jobs: slow work run by a worker, with its progress, its file and a bell."""
