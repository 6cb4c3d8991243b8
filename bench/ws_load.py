"""Concurrent users on Streamlit's websocket protocol: no browser competes for the server's CPU.

``python -m bench.ws_load --users 1 5 10 20 --duration 60 [--ramp 10] [--think 2] [--backends 2]
[--json F]``

Each simulated user is what a browser tab says to the server, and nothing else: one websocket on
``/_stcore/stream`` and ``rerun_script`` BackMsgs (``ClientState``: page hash, query string,
widget states), reading the ForwardMsgs back. A user opens the app (the login form), submits it
(the form's two text inputs and its submit button, ids read from the deltas), then loops over
the registry list, a search, a machine's detail and the home page for ``--duration`` seconds,
with ``--think`` seconds between two actions (0: as fast as the server answers). The N users
start all at once (``--ramp 0``, the default: N logins at the same instant), or spread evenly over
``--ramp`` seconds (user i opens the app at i × ramp / N, as a load tool's spawn rate does).

An action is timed from sending its BackMsg to the ``script_finished`` (successfully) of the run
that shows the page, whose content is checked (login: the home page's title; list and search:
the registry's title and table; detail: the machine's name; home: its title). A run ending in an
exception, an error message, without the expected content, or no answer within 60 s is a
failure.

Like a browser, the driver answers the cookie manager's components
(``extra_streamlit_components``): a ``getAll`` answers the cookies it holds, a ``set`` (the
login cookie, sent by the app until the browser confirms) stores it and answers ``true`` — once
per component instance, as the component's iframe does. Those answers make the server run the
page again, or only the fragment holding the component (the driver then asks for that fragment's
run, as the browser does): these runs are not in the action's time (the user already sees the
page) but their CPU is in the server's CPU-seconds per action.

The app runs as ``streamlit run app.py`` on the database ``MIF_DB_NAME``, pinned to the first
core (this driver on the others), as ``bench.load`` does. ``--backends 2`` starts two processes
(ports ``--port`` and ``--port + 1``, one core each when the machine has more cores than
processes, unpinned otherwise) behind ``bench.proxy`` (sticky: a user stays on one process).
Before the first N one user per process goes once through every action, not measured (the
first run of a process imports the pages, pandas, pyarrow: seconds; ``--no-warmup`` keeps it).
Per N: p50 / p95 / max and failures per action, actions per second, the server processes'
CPU-seconds per action and RSS, the driver's and the proxy's CPU, and ``/proc/loadavg`` before
and after (other work on the machine shows there).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

from db import config

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = [
    ("admin", "Admin2026!"),
    ("responsable", "Resp2026!"),
    ("technicien", "Tech2026!"),
    ("client", "Client2026!"),
]
ACTIONS = ["open", "login", "list", "search", "detail", "home"]
ACTION_TIMEOUT = 60.0  # seconds without the expected run's end: a failure
SETTLE_LIMIT = 5  # component answers after one action (a loop would be a bug of the app)
SEARCH = "pompe"
REGISTRY_PATH = "parc-equipements"
HOME_TITLE = "Tableau de bord"
REGISTRY_TITLE = "Parc équipements"
LOGIN_BUTTON = "Se connecter"
COOKIE_COMPONENT = "cookie_manager"
FINISHED = ForwardMsg.ScriptFinishedStatus


# --------------------------------------------------------------------------- measures


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident set size of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class DatabaseCpu:
    """CPU time of the PostgreSQL backends serving the bench database (same machine only).

    The app's pooled connections live as long as the run, so their server processes, found in
    ``pg_stat_activity`` at the start and the end, hold most of the database's share of the
    work: a lower bound, since a connection opened and closed during the run (the pool's
    overflow beyond its 5, under many users) is never seen.
    """

    def __init__(self) -> None:
        self.start: dict[int, float] = {}

    def _pids(self) -> list[int]:
        engine = create_engine(config.owner_url())
        try:
            with engine.connect() as conn:
                return list(
                    conn.execute(
                        text(
                            "SELECT pid FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    ).scalars()
                )
        finally:
            engine.dispose()

    def _cpu(self, pids: list[int]) -> dict[int, float]:
        seen = {}
        for pid in pids:
            try:
                seen[pid] = cpu_seconds(pid)
            except (OSError, IndexError, ValueError):  # another machine, or already gone
                continue
        return seen

    def begin(self) -> None:
        """Note the CPU time of the backends open now."""
        self.start = self._cpu(self._pids())

    def spent(self) -> float | None:
        """CPU-seconds since ``begin`` (backends opened meanwhile from zero); None if unseen."""
        now = self._cpu(self._pids())
        if not now:
            return None
        return sum(v - self.start.get(pid, 0.0) for pid, v in now.items())


def loadavg() -> str:
    """The machine's 1 / 5 / 15-minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def own_cpu_seconds() -> float:
    """CPU time of this process (the driver)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_offsets(users: int, ramp: float) -> list[float]:
    """When each user opens the app, in seconds after the start: all at 0 without a ramp,
    else evenly spread over ``ramp`` (one every ramp / N seconds)."""
    if ramp <= 0 or users <= 0:
        return [0.0] * max(0, users)
    return [i * ramp / users for i in range(users)]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of the values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


# --------------------------------------------------------------------------- one run's view


@dataclass
class RunView:
    """What one script run sent: its elements by delta path, navigation, how it ended."""

    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    fragments: dict[tuple[int, ...], str] = field(default_factory=dict)  # element → fragment
    status: int | None = None
    fragment_run: str = ""  # the fragment this run reran ("" for a run of the whole page)

    def of_kind(self, kind: str) -> list[Element]:
        """The elements of one kind (``heading``, ``text_input``, ``component_instance``...)."""
        return [e for e in self.elements.values() if e.WhichOneof("type") == kind]

    def headings(self) -> list[str]:
        """Text of every heading (title, header, subheader), markdown escapes removed."""
        return [e.heading.body.replace("\\", "") for e in self.of_kind("heading")]

    def problem(self) -> str | None:
        """An exception or an error message shown by the run, if any."""
        for element in self.of_kind("exception"):
            return f"exception: {element.exception.message[:200]}"
        for element in self.of_kind("alert"):
            if element.alert.format == Alert.ERROR:
                return f"error shown: {element.alert.body[:200]}"
        return None

    def has_table(self) -> bool:
        """A dataframe (``st.dataframe`` / ``st.table``) was sent."""
        return any(
            e.WhichOneof("type") in ("dataframe", "arrow_data_frame", "arrow_table")
            for e in self.all()
        )

    def has_info(self) -> bool:
        """An information message (an empty list says so in one)."""
        return any(e.alert.format == Alert.INFO for e in self.of_kind("alert"))

    def all(self) -> list[Element]:
        """Every element of the run."""
        return list(self.elements.values())


class ActionError(Exception):
    """The run did not show what the action expects (or never ended)."""


class User:
    """One browser tab, speaking the websocket protocol (see the module docstring)."""

    def __init__(self, base_url: str) -> None:
        self.ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws: ClientConnection | None = None
        self.pages: dict[str, str] = {}  # url path ("" = default page) → page script hash
        self.page_hash = ""
        self.query = ""
        self.widgets: dict[str, WidgetState] = {}  # values the browser would send back
        # Components already loaded (delta path, id) → their fragment ("" outside any).
        self.iframes: dict[tuple[tuple[int, ...], str], str] = {}
        self.cookies: dict[str, Any] = {}
        self.settle_runs = 0
        self.fragment_runs = 0  # of which the reruns of a fragment only

    async def open(self) -> None:
        """The websocket (no browser: no Origin header, no cookie)."""
        self.ws = await connect(
            self.ws_url,
            subprotocols=[Subprotocol("streamlit")],
            max_size=None,
            ping_interval=None,  # a browser does not ping; a busy server must not drop us
            open_timeout=ACTION_TIMEOUT,
        )

    async def close(self) -> None:
        """Close the websocket (the server ends the session)."""
        if self.ws is not None:
            await self.ws.close()

    def _back_msg(self, triggers: list[WidgetState], fragment_id: str = "") -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        if fragment_id:  # a widget of a fragment changed: the browser reruns that fragment
            state.fragment_id = fragment_id
        state.query_string = self.query
        state.page_script_hash = self.page_hash  # "" on the first run: the default page
        state.context_info.timezone = "Africa/Casablanca"
        state.context_info.locale = "fr-FR"
        state.widget_states.SetInParent()
        sent = {w.id for w in triggers}
        state.widget_states.widgets.extend(triggers)
        state.widget_states.widgets.extend(w for k, w in self.widgets.items() if k not in sent)
        return msg.SerializeToString()

    async def _receive_run(self) -> RunView:
        """ForwardMsgs until a run ends successfully (runs stopped for a rerun are skipped)."""
        assert self.ws is not None
        view = RunView()
        while True:
            data = await self.ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(data if isinstance(data, bytes) else data.encode())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                view = RunView()  # a run starts: only the last run's content counts
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                for page in msg.navigation.app_pages:
                    if page.is_default:
                        self.pages.setdefault("", page.page_script_hash)
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                path = tuple(msg.metadata.delta_path)
                view.elements[path] = msg.delta.new_element
                if msg.delta.fragment_id:
                    view.fragments[path] = msg.delta.fragment_id
            elif kind == "script_finished":
                if msg.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue
                view.status = msg.script_finished
                return view

    async def run(
        self, triggers: list[WidgetState] | None = None, fragment_id: str = ""
    ) -> RunView:
        """Send one rerun request (of the whole page, or of one fragment); the view of the run
        that answers it (within the timeout)."""
        assert self.ws is not None
        await self.ws.send(self._back_msg(triggers or [], fragment_id))
        view = await asyncio.wait_for(self._receive_run(), ACTION_TIMEOUT)
        if view.status == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            view.fragment_run = fragment_id  # it shows that fragment's elements only
        else:
            self._keep_widgets(view)
        return view

    def _keep_widgets(self, view: RunView) -> None:
        # The browser forgets the states of widgets no longer shown.
        shown = {_widget_id(e) for e in view.all()} - {""}
        self.widgets = {k: w for k, w in self.widgets.items() if k in shown}

    async def settle(self, view: RunView) -> None:
        """Answer the cookie components a browser would have loaded, and wait for the runs."""
        for _ in range(SETTLE_LIMIT):
            answers, fragments = self._component_answers(view)
            if not answers:
                return
            for answer in answers:
                self.widgets[answer.id] = answer
            self.settle_runs += 1
            # Components of one fragment: that fragment's run only, as the browser asks.
            fragment_id = fragments.pop() if len(fragments) == 1 else ""
            view = await self.run(fragment_id="" if "" in fragments else fragment_id)
            self.fragment_runs += bool(view.fragment_run)
            if view.problem():
                raise ActionError(view.problem())
        raise ActionError("the cookie components keep asking for reruns")

    def _component_answers(self, view: RunView) -> tuple[list[WidgetState], set[str]]:
        """The cookie components' answers, and the fragments they belong to ("": none)."""
        answers = []
        fragments: set[str] = set()
        current: dict[tuple[tuple[int, ...], str], str] = {}
        for path, element in view.elements.items():
            if element.WhichOneof("type") != "component_instance":
                continue
            instance = element.component_instance
            if not instance.component_name.endswith(COOKIE_COMPONENT):
                continue
            current[(path, instance.id)] = view.fragments.get(path, "")
            if (path, instance.id) in self.iframes:
                continue
            args = json.loads(instance.json_args or "{}")
            value = self._cookie_method(args)
            if value is not None:
                answers.append(WidgetState(id=instance.id, json_value=json.dumps(value)))
                fragments.add(view.fragments.get(path, ""))
        if view.fragment_run:
            # A fragment run replaces that fragment's iframes only: the others are still there.
            current |= {i: f for i, f in self.iframes.items() if f != view.fragment_run}
        self.iframes = current
        return answers, fragments

    def _cookie_method(self, args: dict[str, Any]) -> Any:
        # What the cookie manager's frontend answers (its value, once per iframe).
        method = args.get("method")
        if method == "getAll":
            return dict(self.cookies)
        if method == "set":
            self.cookies[str(args.get("cookie"))] = args.get("value")
            return True
        if method == "delete":
            self.cookies.pop(str(args.get("cookie")), None)
            return True
        if method == "get":
            return self.cookies.get(str(args.get("cookie")))
        return None

    def navigate(self, url_path: str, query: str = "") -> None:
        """Point the next rerun at a page of the navigation (as a click in the sidebar)."""
        if url_path not in self.pages:
            raise ActionError(f"page {url_path!r} not in the navigation")
        self.page_hash = self.pages[url_path]
        self.query = query


def _widget_id(element: Element) -> str:
    kind = element.WhichOneof("type")
    if kind is None:
        return ""
    return str(getattr(getattr(element, kind), "id", "") or "")


def _expect(view: RunView, ok: bool, what: str) -> None:
    problem = view.problem()
    if problem:
        raise ActionError(problem)
    if view.status != FINISHED.FINISHED_SUCCESSFULLY:
        raise ActionError(f"run ended with status {view.status}")
    if not ok:
        raise ActionError(f"{what} not shown (headings: {view.headings()[:5]})")


# --------------------------------------------------------------------------- one user


@dataclass
class Results:
    """Timings (seconds) and failures per action for one N."""

    times: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    errors: list[str] = field(default_factory=list)
    settle_runs: int = 0
    fragment_runs: int = 0


FAILURES = (ActionError, TimeoutError, WebSocketException, OSError)


async def timed(
    results: Results, action: str, user: User, step: Callable[[], Awaitable[RunView]]
) -> bool:
    """One action: its time (until its page is shown), then the component answers it causes
    (untimed: the user already sees the page). A failure is counted and the user goes on.
    True when it succeeded."""
    start = time.perf_counter()
    try:
        view = await step()
        elapsed = time.perf_counter() - start
        await user.settle(view)
    except FAILURES as exc:
        results.failures[action] += 1
        if len(results.errors) < 20:
            results.errors.append(f"{action}: {type(exc).__name__}: {exc}"[:300])
        return False
    results.times[action].append(elapsed)
    return True


@dataclass(frozen=True)
class Target:
    """What the actions need to know about the data: the machine the detail action opens."""

    machine_id: int
    machine_name: str


def _username_first(label: str) -> int:
    return 1 if "mot de passe" in label.lower() or "password" in label.lower() else 0


class Scenario:
    """The actions of one simulated user, each returning the view of the run it waited for."""

    def __init__(self, user: User, account: tuple[str, str], target: Target) -> None:
        self.user = user
        self.account = account
        self.target = target
        self.form: dict[str, str] = {}

    async def open(self) -> RunView:
        """Open the app: the login form (its widget ids are kept for the login)."""
        await self.user.open()
        view = await self.user.run()
        labels = {e.text_input.label: e.text_input.id for e in view.of_kind("text_input")}
        buttons = [e.button for e in view.of_kind("button") if e.button.is_form_submitter]
        submit = [b.id for b in buttons if b.label == LOGIN_BUTTON]
        _expect(view, len(labels) == 2 and bool(submit), "login form")
        username_id, password_id = (labels[k] for k in sorted(labels, key=_username_first))
        self.form = {"username": username_id, "password": password_id, "submit": submit[0]}
        return view

    async def login(self) -> RunView:
        """Type the credentials and press "Se connecter": the home page must follow."""
        username, password = self.account
        view = await self.user.run(
            [
                WidgetState(id=self.form["username"], string_value=username),
                WidgetState(id=self.form["password"], string_value=password),
                WidgetState(id=self.form["submit"], trigger_value=True),
            ]
        )
        _expect(view, HOME_TITLE in view.headings(), "home page after login")
        return view

    async def visit(
        self, url_path: str, query: str, check: Callable[[RunView], bool], what: str
    ) -> RunView:
        """Go to a page of the navigation with a query string; check what it shows."""
        self.user.navigate(url_path, query)
        view = await self.user.run()
        _expect(view, check(view), what)
        return view

    def steps(self) -> dict[str, Callable[[], Awaitable[RunView]]]:
        """The loop after login: registry list, search, machine detail, home."""
        target = self.target

        def registry(view: RunView) -> bool:
            # A search may find nothing (the client's machines): its message is a result too.
            found = view.has_table() or view.has_info()
            return REGISTRY_TITLE in view.headings() and found

        def detail(view: RunView) -> bool:
            return target.machine_name in view.headings()

        def home(view: RunView) -> bool:
            return HOME_TITLE in view.headings()

        return {
            "list": lambda: self.visit(REGISTRY_PATH, "", registry, "registry table"),
            "search": lambda: self.visit(REGISTRY_PATH, f"q={SEARCH}", registry, "results"),
            "detail": lambda: self.visit(
                REGISTRY_PATH, f"id={target.machine_id}", detail, "machine"
            ),
            "home": lambda: self.visit("", "", home, "home page"),
        }


async def simulate_user(
    base_url: str,
    index: int,
    duration: float,
    think: float,
    results: Results,
    target: Target,
    start_after: float = 0.0,
) -> None:
    """One simulated user: after ``start_after`` seconds open, log in, then loop over the
    actions for ``duration`` seconds."""
    if start_after > 0:
        await asyncio.sleep(start_after)
    user = User(base_url)
    scenario = Scenario(user, ACCOUNTS[index % len(ACCOUNTS)], target)
    try:
        if not await timed(results, "open", user, scenario.open):
            return
        if not await timed(results, "login", user, scenario.login):
            return
        # Whole rounds (each action as often), at least one, until the duration has passed.
        until = time.monotonic() + duration
        while True:
            for action, step in scenario.steps().items():
                if think:
                    await asyncio.sleep(think)
                await timed(results, action, user, step)
            if time.monotonic() >= until:
                break
    finally:
        results.settle_runs += user.settle_runs
        results.fragment_runs += user.fragment_runs
        await user.close()


# --------------------------------------------------------------------------- servers


def demo_target() -> Target:
    """A machine of the demo client's company (the client account may open only those)."""
    engine = create_engine(config.owner_url())
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT e.id, e.nom FROM equipements e JOIN clients c ON c.id = e.client_id"
                    " JOIN users u ON u.id = c.user_id WHERE u.username = 'client'"
                    " ORDER BY e.id LIMIT 1"
                )
            ).one()
    finally:
        engine.dispose()
    return Target(machine_id=int(row.id), machine_name=str(row.nom))


def wait_healthy(url: str, procs: list[subprocess.Popen[bytes]], timeout: float = 90) -> None:
    """Return once ``url``/_stcore/health answers; raise if a process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return
        except OSError:
            if any(p.poll() is not None for p in procs):
                raise RuntimeError(f"a process behind {url} exited at start") from None
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


def start_app(port: int, cores: set[int] | None, log: Path) -> subprocess.Popen[bytes]:
    """``streamlit run app.py`` on ``port`` (database ``MIF_DB_NAME``), pinned when asked."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]

    def pin() -> None:
        if cores:
            os.sched_setaffinity(0, cores)

    with log.open("ab") as out:
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=pin
        )


@dataclass
class Deployment:
    """The app processes, the proxy in front of them (if any), and the URL users open."""

    url: str
    apps: list[subprocess.Popen[bytes]]
    proxy: subprocess.Popen[bytes] | None
    pinned: str

    def stop(self) -> None:
        """Terminate every process this deployment started."""
        for proc in [*self.apps, *([self.proxy] if self.proxy else [])]:
            proc.terminate()
        for proc in [*self.apps, *([self.proxy] if self.proxy else [])]:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def deploy(backends: int, port: int, proxy_port: int, log: Path) -> Deployment:
    """One app process (pinned to the first core, the driver on the others), or ``backends``
    processes behind the sticky proxy (one core each when there are more cores than
    processes)."""
    cores = sorted(os.sched_getaffinity(0))
    apps: list[subprocess.Popen[bytes]] = []
    if backends == 1:
        server_cores = {cores[0]} if len(cores) > 1 else None
        apps.append(start_app(port, server_cores, log))
        try:
            wait_healthy(f"http://127.0.0.1:{port}", apps)
        except RuntimeError:
            apps[0].kill()
            raise
        if server_cores:
            os.sched_setaffinity(0, set(cores[1:]))
            return Deployment(f"http://127.0.0.1:{port}", apps, None, f"app on core {cores[0]}")
        return Deployment(f"http://127.0.0.1:{port}", apps, None, "unpinned (one core)")
    spread = len(cores) > backends
    for i in range(backends):
        apps.append(start_app(port + i, {cores[i]} if spread else None, log))
    proxy_cmd = [sys.executable, "-m", "bench.proxy", "--port", str(proxy_port)]
    for i in range(backends):
        proxy_cmd += ["--backend", f"127.0.0.1:{port + i}"]
    with log.open("ab") as out:
        proxy = subprocess.Popen(proxy_cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deployment = Deployment(
        f"http://127.0.0.1:{proxy_port}",
        apps,
        proxy,
        "one core per app" if spread else "unpinned (no spare core)",
    )
    try:
        for i in range(backends):
            wait_healthy(f"http://127.0.0.1:{port + i}", apps)
        wait_healthy(deployment.url, [proxy])
    except RuntimeError:
        deployment.stop()
        raise
    if spread:
        os.sched_setaffinity(0, set(cores[backends:]))
    return deployment


# --------------------------------------------------------------------------- one N


async def run_n(
    deployment: Deployment,
    n: int,
    duration: float,
    think: float,
    target: Target,
    ramp: float = 0.0,
) -> dict[str, Any]:
    """N users, started at once or over ``ramp`` seconds, each for ``duration`` seconds after
    its login; the summary."""
    results = Results()
    pids = [p.pid for p in deployment.apps]
    cpu0 = [cpu_seconds(pid) for pid in pids]
    proxy0 = cpu_seconds(deployment.proxy.pid) if deployment.proxy else 0.0
    own0 = own_cpu_seconds()
    database = DatabaseCpu()
    database.begin()
    load_before = loadavg()
    start = time.perf_counter()
    await asyncio.gather(
        *(
            simulate_user(deployment.url, i, duration, think, results, target, offset)
            for i, offset in enumerate(start_offsets(n, ramp))
        )
    )
    wall = time.perf_counter() - start
    database_cpu = database.spent()
    server_cpu = sum(cpu_seconds(pid) - c for pid, c in zip(pids, cpu0, strict=True))
    done = sum(len(v) for v in results.times.values())
    actions = done + sum(results.failures.values())
    summary: dict[str, Any] = {
        "users": n,
        "backends": len(pids),
        "pinning": deployment.pinned,
        "duration_s": duration,
        "think_s": think,
        "ramp_s": ramp,
        "wall_s": round(wall, 1),
        "actions_per_s": round(done / wall, 2) if wall else 0.0,
        "server_cpu_s": round(server_cpu, 2),
        "server_cpu_s_per_action": round(server_cpu / max(1, actions), 4),
        "server_rss_mb": [round(rss_mb(pid)) for pid in pids],
        "proxy_cpu_s": round(cpu_seconds(deployment.proxy.pid) - proxy0, 2)
        if deployment.proxy
        else None,
        "driver_cpu_s": round(own_cpu_seconds() - own0, 2),
        # The driver, the proxy and PostgreSQL share the machine's cores with the app.
        "database_cpu_s_per_action": round(database_cpu / max(1, actions), 4)
        if database_cpu is not None
        else None,
        "driver_cpu_s_per_action": round((own_cpu_seconds() - own0) / max(1, actions), 4),
        "proxy_cpu_s_per_action": round(
            (cpu_seconds(deployment.proxy.pid) - proxy0) / max(1, actions), 4
        )
        if deployment.proxy
        else None,
        "component_reruns": results.settle_runs,
        "component_fragment_reruns": results.fragment_runs,
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
        "errors": results.errors,
        "actions": {},
    }
    for action in ACTIONS:
        values = results.times[action]
        summary["actions"][action] = {
            "count": len(values),
            "failures": results.failures[action],
            "p50": round(statistics.median(values), 3) if values else None,
            "p95": round(percentile(values, 95), 3) if values else None,
            "max": round(max(values), 3) if values else None,
        }
    return summary


def print_summary(summary: dict[str, Any]) -> None:
    """One table per N: action, count, failures, p50 / p95 / max in seconds."""
    print(
        f"\nN={summary['users']}  backends={summary['backends']} ({summary['pinning']})"
        f"  ramp {summary['ramp_s']:g} s  think {summary['think_s']:g} s"
        f"  {summary['actions_per_s']:.2f} actions/s"
        f"  server CPU {summary['server_cpu_s_per_action']:.3f} s/action"
        f"  RSS {'+'.join(str(r) for r in summary['server_rss_mb'])} MB"
        f"  driver CPU {summary['driver_cpu_s']:.1f} s"
        + (
            f"  proxy CPU {summary['proxy_cpu_s']:.1f} s"
            if summary["proxy_cpu_s"] is not None
            else ""
        )
        + (
            f"  PostgreSQL CPU {summary['database_cpu_s_per_action']:.3f} s/action"
            if summary["database_cpu_s_per_action"] is not None
            else ""
        )
        + f"  load {summary['loadavg_before']} -> {summary['loadavg_after']}"
    )
    print(f"{'action':<8} {'n':>5} {'fail':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for action, row in summary["actions"].items():
        cells = [
            f"{row[k]:7.2f}" if row[k] is not None else "      -" for k in ("p50", "p95", "max")
        ]
        print(f"{action:<8} {row['count']:>5} {row['failures']:>5} " + " ".join(cells))
    for error in summary["errors"][:5]:
        print(f"  ! {error}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring). Exit 1 when an action failed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds after login")
    parser.add_argument("--think", type=float, default=0.0, help="pause before each action")
    parser.add_argument(
        "--ramp", type=float, default=0.0, help="seconds over which the users start (0: at once)"
    )
    parser.add_argument("--backends", type=int, default=1, help="app processes (proxy if > 1)")
    parser.add_argument("--port", type=int, default=8601, help="first app port")
    parser.add_argument("--proxy-port", type=int, default=8600)
    parser.add_argument("--url", help="an app already running: no process is started")
    parser.add_argument(
        "--no-warmup", dest="warmup", action="store_false", help="measure the cold start too"
    )
    parser.add_argument("--log", type=Path, default=Path("bench/results/ws_load_server.log"))
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)

    target = demo_target()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    if args.url:
        deployment = Deployment(args.url.rstrip("/"), [], None, "external")
    else:
        deployment = deploy(args.backends, args.port, args.proxy_port, args.log)
    summaries = []
    try:
        if args.warmup:
            # The first run of a server process imports pages, pandas, pyarrow... (seconds):
            # one user per process goes once through every action first, not measured.
            asyncio.run(run_n(deployment, max(1, len(deployment.apps)), 0.0, 0.0, target))
        for n in args.users:
            summary = asyncio.run(
                run_n(deployment, n, args.duration, args.think, target, args.ramp)
            )
            print_summary(summary)
            summaries.append(summary)
    finally:
        deployment.stop()
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    failed = any(row["failures"] for s in summaries for row in s["actions"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
