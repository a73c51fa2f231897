"""Getting articles in: files and folders (and, later, feeds), extracted and written in chunks."""
