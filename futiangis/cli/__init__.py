"""The ``futiangis`` command: a click group with one thin module per subcommand."""
