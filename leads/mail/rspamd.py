"""rspamd, asked over HTTP: a spam score for a delivered message, and teaching its Bayes.

Pure functions, no Django: raw message bytes and the service's URL in, a ``SpamScore``
out, every call bounded by a short timeout. rspamd runs as a service beside Leadqual
(like Redis), with the configuration in ``config/rspamd/`` (what is off and why:
``config/rspamd/README.md``).

The mail has already been accepted by the team's mail provider, so only the message
is sent: no ``IP``, ``Helo`` or ``Hostname`` header, which would make rspamd judge our
own connection instead of the sender's (with no IP, its few connection rules that are
still on find nothing to judge), and no envelope ``From``: rspamd takes the
``Return-Path`` the delivering server wrote. No ``Deliver-To`` (it only picks a user for
per-user statistics; ours are the team's) and no ``Settings-ID``: this rspamd scans
nothing but delivered mail, so its configuration is the one setting.

A slow or absent rspamd raises ``FilterUnavailable`` within the timeout: the mail
intake goes on with Leadqual's own checks rather than wait.

The second half starts an rspamd with that configuration (``server_command``,
``server_prepare``), for ``make run`` and the tests.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import urllib3

# Actions that mean "hold it back" (the scores are rspamd's actions in config/rspamd).
SPAM_ACTIONS = ("reject", "add header", "rewrite subject")

# One pool for every call (rspamd 3.4 closes each connection after its answer, so it
# saves little today, but costs nothing), and no retries: a failure is reported at
# once, within the timeout.
_POOL = urllib3.PoolManager(num_pools=4, maxsize=8, retries=False)


class FilterUnavailable(Exception):
    """rspamd did not answer, or answered something other than a result; the text says
    which rspamd and what happened."""


@dataclass(frozen=True)
class Symbol:
    name: str
    score: float
    description: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpamScore:
    score: float
    required: float  # the score at which rspamd's answer is "reject"
    action: str  # "no action", "add header", "rewrite subject", "reject"
    version: str  # rspamd's, e.g. "3.4"
    symbols: tuple[Symbol, ...]  # highest score first

    @property
    def is_spam(self) -> bool:
        return self.action in SPAM_ACTIONS

    def symbol(self, name: str) -> Symbol | None:
        return next((s for s in self.symbols if s.name == name), None)


def _request(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
             timeout: float, what: str) -> urllib3.BaseHTTPResponse:
    try:
        return _POOL.request(method, url, body=body, headers=headers,
                             timeout=urllib3.Timeout(total=timeout), redirect=False)
    except urllib3.exceptions.HTTPError as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FilterUnavailable(f"rspamd at {what} does not answer: {reason}") from exc


def _version(response: urllib3.BaseHTTPResponse) -> str:
    server = response.headers.get("Server", "")  # "rspamd/3.4"
    return server.partition("/")[2] if server.startswith("rspamd/") else ""


def spam_check(raw: bytes, *, url: str, timeout: float = 3.0) -> SpamScore:
    """rspamd's verdict on one delivered message (``url``: the normal worker)."""
    base = url.rstrip("/")
    response = _request("POST", f"{base}/checkv2", body=raw, timeout=timeout, what=base,
                        headers={"User-Agent": "leadqual"})
    if response.status != 200:
        raise FilterUnavailable(f"rspamd at {base} answered {response.status} "
                                f"{response.reason}: {response.data[:200]!r}")
    try:
        answer = json.loads(response.data)
        symbols = tuple(sorted(
            (Symbol(name=name, score=float(s.get("score", 0.0)),
                    description=s.get("description", ""),
                    options=tuple(str(o) for o in s.get("options", ())))
             for name, s in answer.get("symbols", {}).items()),
            key=lambda s: (-s.score, s.name)))
        return SpamScore(score=float(answer["score"]), required=float(answer["required_score"]),
                         action=str(answer["action"]), version=_version(response),
                         symbols=symbols)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FilterUnavailable(f"rspamd at {base} answered something that is not a "
                                f"result: {response.data[:200]!r}") from exc


def spam_learn(raw: bytes, *, url: str, spam: bool, password: str = "",
               timeout: float = 10.0) -> str:
    """Teach rspamd's Bayes that ``raw`` is spam (or not); ``url``: the controller.

    Returns rspamd's answer: "learned as spam", or why it learned nothing, which is not
    an error: the message was already learned as that, it has too few words, rspamd is
    already sure of it ("all learn conditions denied"), or there is no Bayes (no Redis).
    Learning a message as the other class replaces what was learned before.
    """
    base = url.rstrip("/")
    headers = {"User-Agent": "leadqual"}
    if password:
        headers["Password"] = password
    kind = "spam" if spam else "ham"
    response = _request("POST", f"{base}/learn{kind}", body=raw, headers=headers,
                        timeout=timeout, what=base)
    if response.status == 200:
        return f"learned as {kind}"
    if response.status in (204, 208):  # too few tokens; already learned as this class
        return response.reason or f"not learned ({response.status})"
    hint = " (a wrong or missing password)" if response.status in (401, 403) else ""
    raise FilterUnavailable(f"rspamd controller at {base} refused to learn: "
                            f"{response.status} {response.reason}{hint}")


def filter_version(url: str, *, timeout: float = 1.0) -> str | None:
    """rspamd's version when it answers at ``url`` (either worker), else None."""
    try:
        response = _request("GET", f"{url.rstrip('/')}/ping", timeout=timeout, what=url)
    except FilterUnavailable:
        return None
    if response.status != 200 or not response.data.startswith(b"pong"):
        return None
    return _version(response) or "unknown"


# --- Running rspamd with Leadqual's configuration -------------------------------------

CONFIG_DIR = Path(__file__).resolve().parent.parent.parent / "config" / "rspamd"
STOCK_CONFIG = Path("/etc/rspamd/rspamd.conf")
SHARE_DIR = Path("/usr/share/rspamd")
DAEMON_USER = "_rspamd"  # Debian's; the workers drop to it when we are root


def server_prepare(run_dir: Path, *, cache_dir: Path | None = None) -> None:
    """The run directory rspamd writes to, with the address lists our configuration
    reads from it (Leadqual's own free-mail and disposable domains, instead of
    rspamd's downloads); both directories its workers' when we are root."""
    from leads.mailproviders import DISPOSABLE_DOMAINS, FREE_MAIL_DOMAINS

    for directory in (run_dir, cache_dir):
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
    for name, domains in (("freemail.map", FREE_MAIL_DOMAINS),
                          ("disposable.map", DISPOSABLE_DOMAINS)):
        (run_dir / name).write_text("".join(f"{d}\n" for d in sorted(domains)))
    suffixes = SHARE_DIR / "effective_tld_names.dat"
    known = suffixes.read_text(encoding="utf-8") if suffixes.exists() else ""
    (run_dir / "effective_tld_names.dat").write_text(
        known + "\n// Reserved for examples and tests (RFC 2606, RFC 6761)\n"
        "example\ntest\ninvalid\n", encoding="utf-8")
    if os.geteuid() == 0 and _daemon_user_exists():
        for directory in (run_dir, cache_dir):
            if directory is not None:
                for path in (directory, *directory.iterdir()):
                    shutil.chown(path, DAEMON_USER, DAEMON_USER)


def _daemon_user_exists() -> bool:
    import pwd

    try:
        pwd.getpwnam(DAEMON_USER)
    except KeyError:
        return False
    return True


def server_command(*, run_dir: Path, normal_port: int = 11333, controller_port: int = 11334,
                   redis_servers: str = "", redis_db: int = 0, min_learns: int = 20,
                   dns_server: str = "127.0.0.1:53", cache_dir: Path | None = None,
                   binary: str = "rspamd", config_dir: Path = CONFIG_DIR) -> list[str]:
    """The command that runs rspamd in the foreground with our configuration on top of
    Debian's stock one. ``redis_servers`` "host:port" keeps the Bayes there (empty: no
    Bayes, and nothing else that needs Redis). ``dns_server``: rspamd's resolver; no
    module we leave on asks it anything, so it is a loopback address. ``cache_dir``:
    where the compiled expressions are kept (default: ``run_dir``). Passwords go in
    its environment (``server_environment``), not on its command line."""
    variables = {
        "LOCAL_CONFDIR": config_dir, "DBDIR": run_dir, "RUNDIR": run_dir, "LOGDIR": run_dir,
        "NORMAL_PORT": normal_port, "CONTROLLER_PORT": controller_port,
        "REDIS_SERVERS": redis_servers, "REDIS_DB": redis_db, "BAYES_MIN_LEARNS": min_learns,
        "DNS_SERVER": dns_server, "HS_CACHE_DIR": cache_dir or run_dir,
    }
    command = [binary, "--no-fork", "-c", str(STOCK_CONFIG),
               *(f"--var={name}={value}" for name, value in variables.items())]
    if os.geteuid() == 0:  # rspamd will not scan mail as root
        command += (["-u", DAEMON_USER, "-g", DAEMON_USER] if _daemon_user_exists()
                    else ["--insecure"])
    return command


def server_environment(environ: dict, *, redis_password: str = "",
                       controller_password: str = "") -> dict:
    """The environment for ``server_command``: ``environ`` with the passwords our
    configuration reads (``RSPAMD_`` variables are seen by its templates as ``env.*``)
    and without any other ``RSPAMD_`` variable, which could change it unnoticed."""
    env = {k: v for k, v in environ.items() if not k.startswith("RSPAMD_")}
    if redis_password:
        env["RSPAMD_REDIS_PASSWORD"] = redis_password
    if controller_password:
        env["RSPAMD_CONTROLLER_PASSWORD"] = controller_password
    return env
