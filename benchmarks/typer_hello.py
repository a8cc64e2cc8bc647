"""A Typer hello-world: the start-up peer of benchmarks/bench_startup.py (one command, one option).

python benchmarks/typer_hello.py            # hello world
python benchmarks/typer_hello.py --help     # its help, drawn by rich as mlsd's is
"""

import typer

app = typer.Typer(rich_markup_mode="rich")


@app.command()
def main(name: str = typer.Option("world", help="Who to greet.")) -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


if __name__ == "__main__":
    app()
