"""HTTP and command-line entry points: thin layers that build commands and hand them on."""
