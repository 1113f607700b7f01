"""`medwms coldchain`: the MQTT listener, the silence check and the sensor simulator."""

from __future__ import annotations

import json
import logging
import threading
from zoneinfo import ZoneInfo

import typer

from medwms.cli.common import console, database, report_errors, settings
from medwms.config import Settings
from medwms.core.db import Database

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


@app.command()
@report_errors
def simulate(broker: str = typer.Option("127.0.0.1:1883", help="MQTT broker host:port"),
             prefix: str = typer.Option("medwms/sensors", help="Topic prefix; one per sensor"),
             every: float = typer.Option(60.0, min=0.1, help="Seconds between readings"),
             once_for: float | None = typer.Option(None, "--once-for",
                                                   help="Stop after SECONDS (tests)")) -> None:
    """Publish a reading of every active fixed sensor every EVERY seconds (the demo's
    probes follow their daily curve); prints a line and stops when no broker answers."""
    from medwms.demo.simulator import Simulator, broker_answers

    host, port = _broker(broker)
    if not broker_answers(host, port):
        console.print(f"No MQTT broker answers at {host}:{port}: nothing simulated. "
                      f"/ {host}:{port} 没有 MQTT 服务，未模拟传感器。")
        return
    with database() as db:
        simulator = Simulator(db, host=host, port=port, prefix=prefix.rstrip("/"), every=every)
        console.print(f"Publishing to {host}:{port} {prefix}/<sensor> every {every:g} s "
                      "(Ctrl-C to stop)")
        try:
            published = simulator.run(seconds=once_for)
        except KeyboardInterrupt:
            published = simulator.published
    console.print(json.dumps({"published": published}))


def start_demo_sensors(config: Settings, broker: str = "127.0.0.1:1883") -> str:
    """For `serve --demo`: when a broker answers, simulate the sensors and store their
    readings in background threads of this process; the line to print either way."""
    from medwms.coldchain.listener import Listener
    from medwms.demo.simulator import Simulator, broker_answers

    host, port = _broker(broker)
    if not broker_answers(host, port):
        return (f"No MQTT broker at {host}:{port}: the sensor simulator is not started "
                "(start Mosquitto, then `medwms coldchain simulate` and `medwms coldchain "
                "listen`). / 未发现 MQTT 服务，传感器模拟未启动。")
    db = Database(config.database_url)  # lives as long as the server process
    listener = Listener(db, host=host, port=port, local=ZoneInfo(config.timezone),
                        client_id="medwms-demo-listener")
    for target in (listener.run, Simulator(db, host=host, port=port).run):
        threading.Thread(target=target, daemon=True).start()
    return (f"Sensor simulator: publishing to {host}:{port} medwms/sensors/<sensor> every "
            "60 s, and storing the readings. / 传感器模拟已启动。")


@app.command()
@report_errors
def escalate(minutes: int | None = typer.Option(
        None, min=1, help="Minutes without acknowledgement (default: the setting)")) -> None:
    """Notify the escalation lists of every alarm nobody acknowledged in time."""
    from medwms.coldchain.alarms import escalate as run_escalation

    config = settings()
    with database(config) as db:
        done = run_escalation(db, after_minutes=minutes or config.alarm_escalation_minutes)
    console.print(f"{len(done)} alarm(s) escalated: {', '.join(done) or '-'}")


@app.command()
@report_errors
def recipients(zone: str = typer.Argument(..., help="Zone code, or TRANSPORT"),
               first: str = typer.Option(..., help="Usernames notified at once, comma-separated"
                                                   " (at least 2)"),
               escalation: str = typer.Option("", help="Usernames notified when nobody "
                                                       "acknowledges, comma-separated"),
               warehouse: str | None = typer.Option(None, help="Warehouse code of the zone")
               ) -> None:
    """Set an area's alarm recipients (replaces both lists)."""
    from medwms.cli.common import cli_actor
    from medwms.coldchain.alarms import set_recipients

    with database() as db:
        done = set_recipients(db, actor=cli_actor(), zone=zone, warehouse=warehouse,
                              first=first.split(","), escalation=escalation.split(","))
    console.print(f"{done.area}: first {', '.join(done.first)}; "
                  f"escalation {', '.join(done.escalation) or '(quality managers)'}")


@app.command()
@report_errors
def warnings() -> None:
    """List the cold-chain compliance warnings (recipients, sensors, equipment, manual readings)."""
    from medwms.coldchain.alarm_queries import warnings as found
    from medwms.coldchain.manual_rules import SlotTimes
    from medwms.core.clock import local_date, utc_now

    config = settings()
    with database(config) as db, db.reading() as s:
        rows = found(s, on=local_date(utc_now(), config.timezone), now=utc_now(),
                     slots=SlotTimes(config.manual_morning_end, config.manual_afternoon_end),
                     overdue_days=config.manual_overdue_days)
    for row in rows:
        console.print(f"{row.code}\t{row.subject}\t{row.message_en}")
    console.print(f"{len(rows)} warning(s)")
