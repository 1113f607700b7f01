"""`medwms coldchain`: the MQTT listener and the silence check."""

from __future__ import annotations

import json
import logging
from zoneinfo import ZoneInfo

import typer

from medwms.cli.common import console, database, report_errors, settings

app = typer.Typer(help="Cold chain: temperature sensors over MQTT, breaches.",
                  no_args_is_help=True)


def _broker(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host:
        return text, 1883
    try:
        return host, int(port)
    except ValueError as error:
        raise typer.BadParameter(f"{text!r}: use host:port") from error


@app.command()
@report_errors
def listen(broker: str = typer.Option("127.0.0.1:1883", help="MQTT broker host:port"),
           prefix: str = typer.Option("medwms/sensors", help="Topic prefix; one topic per sensor"),
           flush: float = typer.Option(0.2, help="Seconds between bulk stores"),
           silence: float = typer.Option(60.0, help="Seconds between checks for silent sensors"),
           client_id: str = typer.Option("medwms-coldchain",
                                         help="MQTT client id (the broker keeps its session)"),
           once_for: float | None = typer.Option(None, "--once-for",
                                                 help="Stop after SECONDS (tests)")) -> None:
    """Subscribe to <prefix>/<sensor code> and store readings until Ctrl-C."""
    from medwms.coldchain.listener import Listener

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = settings()
    host, port = _broker(broker)
    with database(config) as db:
        listener = Listener(db, host=host, port=port, prefix=prefix.rstrip("/"),
                            flush_seconds=flush, silence_seconds=silence,
                            local=ZoneInfo(config.timezone), client_id=client_id)
        console.print(f"Listening on {host}:{port} {prefix}/<sensor> (Ctrl-C to stop)")
        counters = listener.run(seconds=once_for)
    console.print(json.dumps({"messages": counters.messages, "stored": counters.stored,
                              "duplicates": counters.duplicates, "rejected": counters.rejected,
                              "failed_batches": counters.failed_batches,
                              "breaches_opened": counters.breaches}))


@app.command("check-silence")
@report_errors
def check_silence() -> None:
    """Open a NO_DATA breach for every sensor silent longer than its interval."""
    from medwms.coldchain.detection import check_silence as run_check

    with database() as db:
        opened = run_check(db)
    console.print(f"{len(opened)} NO_DATA breach(es) opened: {', '.join(opened) or '-'}")
