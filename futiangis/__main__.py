"""``python -m futiangis``: the same as the ``futiangis`` console command."""
from futiangis.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="futiangis")
