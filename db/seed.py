"""Demo data: a consistent Moroccan maintenance company, loaded with COPY.

``run_seed(url=..., scale=1)`` fills every table. It is idempotent: when the demo accounts
exist already it adds nothing. Rows are generated in Python with explicit ids (deterministic
random generator) and streamed with ``COPY`` table by table. ``scale`` multiplies the number of
clients, technicians, machines and interventions (scale 1: ~600 interventions over ten years of
history). Two loaders:

- below ``BULK_SCALE``, every trigger is on, so the database's own rules produce the derived
  data (audit trail, principal technician rows, stock levels from movements, contract usage
  counts, last maintenance dates);
- from ``BULK_SCALE`` on (``load_bulk``), the row triggers of the big tables are disabled for
  the load and the same derived data is computed set-wise afterwards, after checking set-wise
  every rule those triggers enforce: the per-row triggers cost ~5x a raw COPY.

Consistency kept by construction: closed interventions have start/end dates, durations and
costs; stock never goes below zero (consumption is checked against a running balance); invoice
TTC = HT × (1 + TVA/100); no technician is booked twice in the same half-day slot.
"""

from __future__ import annotations

import hashlib
import random
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy.engine import URL

from db import config
from db import seed_data as ref
from db.people.service import hash_password

TZ = ZoneInfo("Africa/Casablanca")
TVA = Decimal("20.00")
TAUX_HORAIRE = Decimal("450")  # MAD per hour of technician work

# Demo accounts, one per role (passwords printed in the README; created only by this seed).
DEMO_ACCOUNTS: dict[str, tuple[str, str, str]] = {
    "admin": ("Admin2026!", "admin", "Nadia Berrada"),
    "responsable": ("Resp2026!", "responsable", "Karim El Amrani"),
    "technicien": ("Tech2026!", "technicien", "Youssef Alaoui"),
    "client": ("Client2026!", "client", "Salma Bennani"),
}

# Years of intervention history behind each machine (bounded by its installation date).
HISTORY_YEARS = 10
# Invoice numbers are FAC-YYYY-NNNNN: never more than this many invoices in one year.
MAX_INVOICES_PER_YEAR = 99_999
# Closed interventions that consumed parts, and how many part lines each (1..N).
PARTS_RATE = 0.9
PARTS_LINES_MAX = 4

# Days between two preventive visits by criticality (equipements.intervalle_maintenance_jours).
PREVENTIVE_INTERVAL_DAYS: dict[str, int | None] = {
    "critique": 90,
    "haute": 180,
    "normale": 365,
    "basse": None,
}
SLA_HOURS = {"urgente": 4, "haute": 24, "normale": 72, "basse": 168, "programmee": 720}
OPEN = ("ouverte", "affectee", "en_cours", "en_attente")


@dataclass
class SeedReport:
    """What the seed did: created or not, rows per table, seconds, path taken, time per step."""

    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    bulk: bool = False
    timings: dict[str, float] = field(default_factory=dict)


# The demo documents are real files: one manual, one report and one photo whose content every
# demo row of that kind shares (the store keeps each content once, by its SHA-256), so a
# document opened in the app is served and its checksum verified, at any scale, for three
# small files.
_DEMO_PDF = (
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    " /Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
    "4 0 obj << /Length 70 >> stream\nBT /F1 18 Tf 60 780 Td (MIF Maroc - {title}) Tj ET\n"
    "endstream endobj\n5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
    "trailer << /Root 1 0 R >>\n%%EOF\n"
)


@cache
def demo_files() -> dict[str, tuple[bytes, str]]:
    """Content and MIME type of the demo documents, by kind (manuel, rapport, photo)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (31, 78, 121))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 300), outline=(255, 255, 255), width=4)
    draw.text((40, 150), "MIF Maroc - photo de demonstration", fill=(255, 255, 255))
    photo = io.BytesIO()
    image.save(photo, format="JPEG", quality=80)
    return {
        "manuel": (_DEMO_PDF.format(title="Manuel constructeur").encode(), "application/pdf"),
        "rapport": (_DEMO_PDF.format(title="Rapport d'intervention").encode(), "application/pdf"),
        "photo": (photo.getvalue(), "image/jpeg"),
    }


def _demo_file(kind: str) -> tuple[str, int, str, str]:
    """(store path, size, MIME type, checksum) of the demo file of ``kind``."""
    content, mime = demo_files()[kind]
    checksum = hashlib.sha256(content).hexdigest()
    return f"{checksum[:2]}/{checksum[2:4]}/{checksum}", len(content), mime, checksum


def store_demo_files() -> None:
    """Put the demo documents' three files in the store (idempotent)."""
    from db import storage

    for content, _mime in demo_files().values():
        storage.store(content)


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _one(cur: psycopg.Cursor[Any]) -> Any:
    """The single value of a one-row query (``count(*)`` and the like always return a row)."""
    row = cur.fetchone()
    assert row is not None
    return row[0]


def ttc(ht: Decimal, taux: Decimal = TVA) -> Decimal:
    """Same rounding as the database check ``round(ht * (1 + tva/100), 2)``."""
    return (ht * (1 + taux / 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _ascii(text: str) -> str:
    return (
        unicodedata.normalize("NFKD", text)
        .encode("ascii", "ignore")
        .decode()
        .lower()
        .replace(" ", "")
        .replace("'", "")
        .replace("&", "")
    )


def _psycopg_conninfo(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def copy_rows(
    cur: psycopg.Cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Stream ``rows`` into ``table`` with COPY; returns the number of rows written."""
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            n += 1
    return n


class Schedule:
    """Half-day slots (08:00–12:00, 13:30–17:30) per technician: nobody is booked twice."""

    BLOCKS = ((8, 0), (13, 30))

    def __init__(self) -> None:
        self.busy: set[tuple[int, date, int]] = set()

    def book(
        self, tech: int, day: date, hours: float, forward: bool = True, limit: int = 30
    ) -> tuple[datetime, datetime] | None:
        """First free half-day of ``tech`` from ``day`` (skipping Sundays), or None."""
        step = 1 if forward else -1
        for offset in range(limit):
            d = day + timedelta(days=offset * step)
            if d.weekday() == 6:
                continue
            for block, (h, m) in enumerate(self.BLOCKS):
                if (tech, d, block) not in self.busy:
                    self.busy.add((tech, d, block))
                    start = datetime(d.year, d.month, d.day, h, m, tzinfo=TZ)
                    return start, start + timedelta(hours=min(hours, 4))
        return None

    def take(self, tech: int, start: datetime) -> bool:
        """Reserve the block containing ``start`` for ``tech`` if free (assistants)."""
        block = 0 if start.hour < 12 else 1
        key = (tech, start.date(), block)
        if key in self.busy:
            return False
        self.busy.add(key)
        return True


class Generator:
    """Builds every table's rows in memory with explicit ids, then the loader COPYs them."""

    def __init__(self, scale: int, rng_seed: int, now: datetime) -> None:
        self.r = random.Random(rng_seed)
        self.scale = max(1, scale)
        self.now = now
        self.today = now.date()
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.schedule = Schedule()
        # Machines with an open preventive intervention: at most one each
        # (uq_intervention_preventive_ouverte).
        self.open_preventive: set[int] = set()
        self.used_usernames: set[str] = set()

    # -- people ------------------------------------------------------------------------------
    def _person(self) -> str:
        return f"{self.r.choice(ref.PRENOMS)} {self.r.choice(ref.NOMS)}"

    def _username(self, full_name: str) -> str:
        base = ".".join(_ascii(p) for p in full_name.split(" ", 1))
        name, n = base, 1
        while name in self.used_usernames:
            n += 1
            name = f"{base}{n}"
        self.used_usernames.add(name)
        return name

    def people(self, demo_hashes: dict[str, str], other_hash: str) -> None:
        users = self.rows["users"]
        self.admin_ids: list[int] = []
        self.resp_ids: list[int] = []
        self.tech_users: list[int] = []
        self.client_users: list[int] = []
        uid = 0

        def add_user(username: str, full_name: str, email: str, pw: str, role: str) -> int:
            nonlocal uid
            uid += 1
            self.used_usernames.add(username)
            users.append((uid, username, full_name, email, pw, role, True))
            return uid

        for username, (_pw, role, full_name) in DEMO_ACCOUNTS.items():
            email = f"{username}@mif-maroc.ma" if role != "client" else "s.bennani@atlas-agro.ma"
            new = add_user(username, full_name, email, demo_hashes[username], role)
            {
                "admin": self.admin_ids,
                "responsable": self.resp_ids,
                "technicien": self.tech_users,
                "client": self.client_users,
            }[role].append(new)

        for _ in range(1 * self.scale):
            name = self._person()
            login = self._username(name)
            self.resp_ids.append(
                add_user(login, name, f"{login}@mif-maroc.ma", other_hash, "responsable")
            )
        for _ in range(11 * self.scale):
            name = self._person()
            login = self._username(name)
            self.tech_users.append(
                add_user(login, name, f"{login}@mif-maroc.ma", other_hash, "technicien")
            )
        n_clients = 15 * self.scale
        for i in range(n_clients - 1):
            name = self._person()
            login = self._username(name)
            company = self._company_name(i + 1)
            domain = _ascii(company)[:18] + ".ma"
            self.client_users.append(
                add_user(login, name, f"{login}@{domain}", other_hash, "client")
            )
        # one inactive account, to show deactivation
        users[-1] = (*users[-1][:6], False)

        # techniciens
        self.tech_ids: list[int] = []
        for tid, user_id in enumerate(self.tech_users, start=1):
            self.tech_ids.append(tid)
            dispo = (
                "disponible"
                if tid == 1
                else self.r.choices(["disponible", "occupe", "conge", "formation"], [70, 18, 7, 5])[
                    0
                ]
            )
            self.rows["techniciens"].append(
                (
                    tid,
                    user_id,
                    self.r.choice(ref.SPECIALITES),
                    dispo,
                    self.r.choice(ref.EQUIPES),
                    self.r.choice(ref.ZONES),
                    "Habilitations à jour ; intervient sur sites agroalimentaires et industriels.",
                    self.today - timedelta(days=self.r.randint(200, 4000)),
                )
            )

        # clients
        self.client_ids: list[int] = []
        self.client_city: dict[int, str] = {}
        full_names = {u[0]: u[2] for u in self.rows["users"]}
        for cid, user_id in enumerate(self.client_users, start=1):
            self.client_ids.append(cid)
            company = self._company_name(cid - 1)
            sector = ref.ENTREPRISES[(cid - 1) % len(ref.ENTREPRISES)][1]
            city, cp, area = ref.VILLES[(cid - 1) % len(ref.VILLES)]
            self.client_city[cid] = city
            type_client = "premium" if cid == 1 else self.r.choice(["premium", "standard", "basic"])
            niveau = {"premium": "gold", "standard": "standard", "basic": "basic"}[type_client]
            if cid % 7 == 0:
                niveau = "platinum"
            contact = full_names[user_id]
            self.rows["clients"].append(
                (
                    cid,
                    user_id,
                    company,
                    sector,
                    type_client,
                    niveau,
                    f"Lot {self.r.randint(1, 250)}, {self.r.choice(ref.ZONES_INDUSTRIELLES)}",
                    city,
                    cp,
                    f"+212 {area}-{self.r.randint(10, 99)}-{self.r.randint(10, 99)}-"
                    f"{self.r.randint(10, 99)}",
                    f"contact@{_ascii(company)[:18]}.ma",
                    contact,
                    "Client fidèle ; paiement à 30 jours." if cid % 3 else None,
                    "Accès site sur badge ; EPI obligatoires (casque, chaussures de sécurité)."
                    if cid % 2
                    else None,
                )
            )

        # competences and the matrix
        for comp_id, (nom, desc, niveau, certif) in enumerate(ref.COMPETENCES, start=1):
            self.rows["competences"].append((comp_id, nom, desc, niveau, certif, True))
        for tid in self.tech_ids:
            for comp_id in self.r.sample(range(1, len(ref.COMPETENCES) + 1), self.r.randint(2, 4)):
                acquired = self.today - timedelta(days=self.r.randint(60, 2000))
                expires = (
                    acquired + timedelta(days=3 * 365) if ref.COMPETENCES[comp_id - 1][3] else None
                )
                self.rows["technicien_competence"].append(
                    (
                        tid,
                        comp_id,
                        self.r.choice(["intermediaire", "avance", "expert"]),
                        acquired,
                        expires,
                        None,
                        expires is not None,
                    )
                )

    def _company_name(self, index: int) -> str:
        base, _ = ref.ENTREPRISES[index % len(ref.ENTREPRISES)]
        lap = index // len(ref.ENTREPRISES)
        return base if lap == 0 else f"{base} {ref.VILLES[lap % len(ref.VILLES)][0]}"

    # -- equipment and contracts ---------------------------------------------------------------
    def equipment(self) -> None:
        self.equip: list[dict[str, Any]] = []
        eid = 0
        for cid in self.client_ids:
            for k in range(self.r.randint(6, 10)):
                eid += 1
                nom, fab, modeles, cost, specs = self.r.choice(ref.MACHINES)
                installed = self.today - timedelta(days=self.r.randint(200, 4200))
                statut = "operationnel"
                roll = self.r.random()
                if cid == 1 and k == 0:
                    statut = "panne"  # the demo client always has a machine down
                elif roll < 0.07:
                    statut = "panne"
                elif roll < 0.13:
                    statut = "maintenance"
                elif roll < 0.17:
                    statut = "retire"
                criticite = self.r.choices(
                    ["critique", "haute", "normale", "basse"], [15, 25, 45, 15]
                )[0]
                e = {
                    "id": eid,
                    "client_id": cid,
                    "nom": nom,
                    "statut": statut,
                    "criticite": criticite,
                    "installed": installed,
                }
                self.equip.append(e)
                self.rows["equipements"].append(
                    (
                        eid,
                        cid,
                        nom,
                        self.r.choice(modeles),
                        fab,
                        f"{_ascii(fab)[:3].upper()}-{installed.year}-{eid:06d}",
                        installed,
                        # retired machines are loaded as 'maintenance' and retired after their
                        # history is in (no new intervention on a retired machine)
                        "maintenance" if statut == "retire" else statut,
                        criticite,
                        self.r.choice(ref.LOCALISATIONS),
                        specs,
                        f"Manuel constructeur {fab} disponible au bureau technique.",
                        self.today + timedelta(days=self.r.randint(-20, 180))
                        if statut != "retire"
                        else None,
                        _money(cost * self.r.uniform(0.8, 1.2)),
                        f"{fab} Maroc",
                        installed + timedelta(days=730),
                        24,
                        # the preventive plan follows the criticality (no random draw: the
                        # rest of the demo stays as it was)
                        None if statut == "retire" else PREVENTIVE_INTERVAL_DAYS[criticite],
                    )
                )

    def contracts(self) -> None:
        self.contracts_by_equip: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
        ctr_id = 0
        by_client: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for e in self.equip:
            by_client[e["client_id"]].append(e)
        for cid in self.client_ids:
            n = 2 if cid == 1 else self.r.choice([0, 1, 1, 2])
            for k in range(n):
                ctr_id += 1
                if k == 0:
                    start = self.today - timedelta(days=self.r.randint(30, 700))
                    end = start + timedelta(days=3 * 365)
                    statut = "actif"
                    if cid % 5 == 0 or cid == 1:  # ends soon: shows in the 30-day alert
                        end = self.today + timedelta(days=self.r.randint(5, 28))
                else:
                    start = self.today - timedelta(days=self.r.randint(900, 1200))
                    end = start + timedelta(days=365)
                    statut = "expire"
                type_contrat = self.r.choice(["maintenance", "support", "full_service"])
                montant = _money(self.r.choice([48000, 72000, 96000, 150000, 240000]))
                self.rows["contrats"].append(
                    (
                        ctr_id,
                        cid,
                        f"CTR-{start.year}-{ctr_id:04d}",
                        type_contrat,
                        statut,
                        start,
                        end,
                        montant,
                        "MAD",
                        "Maintenance préventive trimestrielle et dépannages inclus au forfait.",
                        "Intervention sous 4 h (urgence), 24 h (haute), 72 h (normale) ; "
                        "disponibilité 98 %.",
                        self.r.choice([6, 12, 24]),
                    )
                )
                covered = self.r.sample(by_client[cid], max(1, len(by_client[cid]) // 2))
                for e in covered:
                    self.rows["contrat_equipements"].append((ctr_id, e["id"]))
                    self.contracts_by_equip[e["id"]].append((ctr_id, start, end))
        self.contract_rows = {row[0]: row for row in self.rows["contrats"]}

    # -- interventions -------------------------------------------------------------------------
    def interventions(self) -> None:
        self.interv: list[dict[str, Any]] = []
        self.next_iid = 0
        demo_tech = 1
        # Showcase first, so the demo technician really has work today and this week.
        demo_machines = [e for e in self.equip if e["client_id"] == 1 and e["statut"] != "retire"]
        for day_offset, statut in (
            (0, "en_cours"),
            (0, "affectee"),
            (1, "affectee"),
            (3, "affectee"),
        ):
            e = self.r.choice(demo_machines)
            self._make_intervention(
                e,
                statut=statut,
                tech=demo_tech,
                day=self.today + timedelta(days=day_offset),
                recent=True,
            )
        for e in self.equip:
            if e["statut"] == "panne":
                self._make_intervention(
                    e,
                    statut=self.r.choice(["ouverte", "affectee", "en_cours"]),
                    kind="corrective",
                    priorite="urgente",
                    recent=True,
                )
            elif e["statut"] == "maintenance":
                self._make_intervention(e, statut="en_cours", kind="preventive", recent=True)
            for _ in range(self.r.randint(3, 6)):
                self._make_intervention(e)
            if self.r.random() < 0.25 and e["statut"] != "retire":
                self._make_intervention(e, statut=self.r.choice(OPEN), recent=True)

    def _make_intervention(
        self,
        e: dict[str, Any],
        *,
        statut: str | None = None,
        tech: int | None = None,
        day: date | None = None,
        kind: str | None = None,
        priorite: str | None = None,
        recent: bool = False,
    ) -> None:
        r = self.r
        if recent:
            created = self.now - timedelta(hours=r.randint(2, 24 * 12))
        else:
            span = min((self.today - e["installed"]).days, HISTORY_YEARS * 365)
            created = self.now - timedelta(days=r.randint(15, max(16, span)), hours=r.randint(0, 9))
        age_days = (self.now - created).days
        if statut is None:
            if e["statut"] == "retire":
                statut = "cloturee"
            else:
                statut = r.choices(["cloturee", "annulee", "en_attente"], [92, 6, 2])[0]
            if statut == "cloturee" and age_days > 2 * 365 + 30 and r.random() < 0.85:
                statut = "archivee"
        kind = (
            kind
            or r.choices(
                ["preventive", "corrective", "diagnostic", "ameliorative"], [40, 45, 10, 5]
            )[0]
        )
        if priorite is None:
            if kind == "preventive":
                priorite = r.choice(["programmee", "normale", "basse"])
            elif e["criticite"] == "critique":
                priorite = r.choice(["urgente", "haute"])
            else:
                priorite = r.choices(["haute", "normale", "basse"], [30, 55, 15])[0]
        if kind == "preventive":
            titre, diag, sol = r.choice(ref.PREVENTIFS), "RAS après contrôle", "Visite réalisée"
        else:
            titre, diag, sol = r.choice(ref.PANNES)
        titre = f"{titre} — {e['nom']}"
        needs_tech = statut in ("affectee", "en_cours", "en_attente", "cloturee", "archivee")
        if statut == "annulee":
            needs_tech = r.random() < 0.4
        duree_estimee = Decimal(r.choice(["2", "3", "4", "4", "6", "8"]))
        slot = None
        if needs_tech:
            tech = tech or r.choice(self.tech_ids)
            if day is None:
                if statut in ("affectee",):
                    day = self.today + timedelta(days=r.randint(0, 9))
                elif statut in ("en_cours", "en_attente"):
                    day = self.today - timedelta(days=r.randint(0, 3))
                else:
                    day = (created + timedelta(days=r.randint(0, 6))).date()
            forward = statut in ("affectee", "en_cours", "en_attente") or day <= self.today
            slot = self.schedule.book(tech, day, float(duree_estimee), forward=forward)
            if slot is None:
                return  # technician fully booked around that date: skip, stays consistent
            if statut in ("cloturee", "archivee", "annulee") and slot[1] > self.now:
                statut = "en_cours" if slot[0] <= self.now else "affectee"
            if statut in ("en_cours", "en_attente") and slot[0] > self.now:
                statut = "affectee"
            created = min(created, slot[0] - timedelta(hours=2))
        if kind == "preventive" and statut in OPEN:
            if e["id"] in self.open_preventive:
                kind = "corrective"  # a second open visit would be a duplicate work order
            else:
                self.open_preventive.add(e["id"])
        self.next_iid += 1
        iid = self.next_iid
        contrat_id = None
        for ctr_id, start, end in self.contracts_by_equip.get(e["id"], []):
            if start <= created.date() <= end:
                contrat_id = ctr_id
                break
        date_limite = created + timedelta(hours=SLA_HOURS[priorite])
        if slot and statut in OPEN:
            # planned work: the deadline agreed with the client follows the planned slot
            date_limite = max(date_limite, slot[1] + timedelta(hours=24))
        date_debut = date_fin = duree_reelle = cout_reel = satisfaction = None
        diagnostic = solution = None
        date_planifiee = slot[0] if slot else None
        if statut in ("en_cours", "en_attente", "cloturee", "archivee") and slot:
            date_debut = slot[0]
            diagnostic = diag
        if statut in ("cloturee", "archivee") and slot:
            hours = Decimal(str(round(r.uniform(0.6, 1.3) * float(duree_estimee), 2)))
            hours = min(max(hours, Decimal("0.5")), Decimal("4"))
            date_fin = slot[0] + timedelta(hours=float(hours))
            duree_reelle = hours.quantize(Decimal("0.01"))
            cout_reel = _money(duree_reelle * TAUX_HORAIRE)
            solution = sol
            if r.random() < 0.65:
                satisfaction = r.choices([2, 3, 4, 5], [5, 15, 45, 35])[0]
        it = {
            "id": iid,
            "equipement": e,
            "client_id": e["client_id"],
            "tech": tech if slot else None,
            "statut": statut,
            "created": created,
            "slot": slot,
            "cout_reel": cout_reel,
            "date_fin": date_fin,
            "contrat_id": contrat_id,
            "kind": kind,
        }
        self.interv.append(it)
        self.rows["interventions"].append(
            (
                iid,
                e["id"],
                it["tech"],
                e["client_id"],
                contrat_id,
                kind,
                statut,
                priorite,
                priorite == "urgente",
                titre,
                f"Demande client : {titre.lower()}. Équipement situé en {e['nom'].lower()}.",
                diagnostic,
                solution,
                created,
                date_planifiee,
                date_debut,
                date_fin,
                date_limite,
                duree_estimee,
                duree_reelle,
                _money(duree_estimee * TAUX_HORAIRE),
                cout_reel,
                "Pièces d'origine utilisées ; prévoir contrôle au prochain passage."
                if solution
                else None,
                satisfaction,
            )
        )
        if slot:
            past = slot[1] <= self.now
            planned = (
                iid,
                slot[0],
                slot[1],
                "Matin" if slot[0].hour < 12 else "Après-midi",
                "Accès par le quai de chargement." if r.random() < 0.3 else None,
                past or r.random() < 0.6,
                past,
                created,
            )
            # No slot on a cancelled or archived intervention (planning_intervention_close):
            # its date_planifiee keeps the date it had.
            if statut not in ("annulee", "archivee"):
                self.rows["planning"].append(planned)
            if r.random() < 0.2:
                helper = r.choice(self.tech_ids)
                if helper != tech and self.schedule.take(helper, slot[0]):
                    self.rows["intervention_techniciens"].append((iid, helper, "assistant"))

    def absences(self) -> None:
        """A few whole-day absences two to four weeks ahead (leave, training, unavailable), on
        days where the technician has no slot: an absence never overlaps planned work
        (excl_occupation_chevauchement). Last step and no random draw: nothing else moves."""
        motifs = ("conge", "formation", "indisponible")
        for k, tech in enumerate(self.tech_ids[: max(3, len(self.tech_ids) // 10)]):
            first = self.today + timedelta(days=14 + 3 * (k % 5))
            days = 1 + k % 3
            span = [first + timedelta(days=d) for d in range(days)]
            if any((tech, d, block) in self.schedule.busy for d in span for block in (0, 1)):
                continue
            debut = datetime(first.year, first.month, first.day, tzinfo=TZ)
            self.rows["absences"].append(
                (tech, debut, debut + timedelta(days=days), motifs[k % 3], "Prévue à l'avance.")
            )

    # -- work details: tasks, parts, documents, chat, notifications --------------------------------
    def details(self) -> None:
        r = self.r
        rapport, photo, manuel = (_demo_file(k) for k in ("rapport", "photo", "manuel"))
        # parts: initial stock as an 'entree' movement, then consumption in date order, each
        # part reordered up to its maximum when it falls under its minimum (except the "low"
        # parts, never reordered, which end under their minimum: reorder alerts)
        self.stock: dict[int, int] = {}
        self.pieces: list[tuple[int, Decimal]] = []
        levels: dict[int, tuple[int, int]] = {}
        opening = self.now - timedelta(days=HISTORY_YEARS * 365 + 30)
        pid = 0
        for lap in range(self.scale):
            for ref_code, nom, list_price, unite, fournisseur in ref.PIECES:
                pid += 1
                code = ref_code if lap == 0 else f"{ref_code}-{lap}"
                smin = r.choice([2, 5, 10, 20])
                smax = smin * r.choice([5, 8, 10])
                levels[pid] = (smin, smax)
                self.rows["pieces_detachees"].append(
                    (
                        pid,
                        code,
                        nom,
                        f"{nom} — référence fournisseur {code}",
                        _money(list_price),
                        0,
                        smin,
                        smax,
                        unite,
                        fournisseur,
                        f"Magasin central — allée {chr(65 + pid % 8)}{pid % 20}",
                        True,
                    )
                )
                low = pid % 9 == 0
                initial = smin + r.randint(0, 3) if low else int(smax * r.uniform(0.6, 0.9))
                self.stock[pid] = initial
                self.pieces.append((pid, _money(list_price)))
                self.rows["mouvements_stock"].append(
                    (
                        pid,
                        None,
                        self.admin_ids[0],
                        "entree",
                        initial,
                        _money(list_price),
                        opening,
                        "Stock initial",
                        f"BC-{opening.year}-{pid:05d}",
                        f"BL-{opening.year}-{pid:05d}",
                    )
                )
        closed = sorted(
            (it for it in self.interv if it["statut"] in ("cloturee", "archivee")),
            key=lambda it: it["date_fin"],
        )
        for it in closed:
            if r.random() > PARTS_RATE:
                continue
            used: set[int] = set()
            for _ in range(r.randint(1, PARTS_LINES_MAX)):
                piece_id, price = r.choice(self.pieces)
                qty = r.randint(1, 3)
                if piece_id in used:
                    continue
                low = piece_id % 9 == 0
                if low and self.stock[piece_id] < qty:
                    continue
                smin, smax = levels[piece_id]
                if not low and self.stock[piece_id] - qty < smin:
                    # reordered the day before the job: the stock never goes under zero
                    refill = smax - self.stock[piece_id]
                    self.stock[piece_id] += refill
                    d = it["date_fin"] - timedelta(days=1)
                    self.rows["mouvements_stock"].append(
                        (
                            piece_id,
                            None,
                            r.choice(self.resp_ids),
                            "entree",
                            refill,
                            price,
                            d,
                            "Réapprovisionnement (stock sous le minimum)",
                            f"BC-{d.year}-{piece_id:05d}",
                            f"BL-{d.year}-{piece_id:05d}",
                        )
                    )
                used.add(piece_id)
                self.stock[piece_id] -= qty
                self.rows["intervention_pieces"].append(
                    (
                        it["id"],
                        piece_id,
                        qty,
                        price,
                        None,
                        it["date_fin"],
                    )
                )
                it["cout_reel"] += price * qty
        # restocks, an adjustment and a transfer, dated in the last months
        for piece_id, price in self.pieces:
            if piece_id % 9 == 0:
                continue
            if r.random() < 0.4:
                qty = r.randint(5, 30)
                self.stock[piece_id] += qty
                d = self.now - timedelta(days=r.randint(5, 120))
                self.rows["mouvements_stock"].append(
                    (
                        piece_id,
                        None,
                        r.choice(self.resp_ids),
                        "entree",
                        qty,
                        price,
                        d,
                        "Réapprovisionnement",
                        f"BC-{d.year}-{piece_id:05d}{r.randint(1, 9)}",
                        f"BL-{d.year}-{piece_id:05d}{r.randint(1, 9)}",
                    )
                )
            if r.random() < 0.1 and self.stock[piece_id] > 3:
                self.stock[piece_id] -= 1
                self.rows["mouvements_stock"].append(
                    (
                        piece_id,
                        None,
                        r.choice(self.resp_ids),
                        "ajustement",
                        -1,
                        price,
                        self.now - timedelta(days=r.randint(1, 60)),
                        "Inventaire : une pièce manquante",
                        None,
                        None,
                    )
                )
            if r.random() < 0.05:
                self.rows["mouvements_stock"].append(
                    (
                        piece_id,
                        None,
                        r.choice(self.resp_ids),
                        "transfert",
                        2,
                        price,
                        self.now - timedelta(days=r.randint(1, 60)),
                        "Transfert vers le magasin avancé de Tanger",
                        None,
                        None,
                    )
                )
        # the costs above changed with parts: rewrite those interventions' cout_reel
        cost_by_id = {it["id"]: it["cout_reel"] for it in self.interv}
        self.rows["interventions"] = [
            (*row[:21], cost_by_id[row[0]], *row[22:]) for row in self.rows["interventions"]
        ]

        user_of_tech = {t[0]: t[1] for t in self.rows["techniciens"]}
        user_of_client = {c[0]: c[1] for c in self.rows["clients"]}
        for it in self.interv:
            st_i = it["statut"]
            eq = it["equipement"]["id"]
            if st_i in OPEN or (st_i == "cloturee" and r.random() < 0.3):
                for k, desc in enumerate(r.sample(ref.TACHES_TYPES, 3)):
                    tstat = (
                        "terminee"
                        if st_i == "cloturee"
                        else "a_faire"
                        if st_i in ("ouverte", "affectee")
                        else ["terminee", "en_cours", "a_faire"][k]
                    )
                    self.rows["taches"].append(
                        (
                            eq,
                            it["id"],
                            desc,
                            it["created"].date() + timedelta(days=3),
                            tstat,
                        )
                    )
            if st_i in ("cloturee", "archivee") and r.random() < 0.3:
                name = f"rapport_intervention_{it['id']}.pdf"
                self.rows["documents"].append(
                    (
                        it["id"],
                        eq,  # a document of an intervention carries its machine
                        name,
                        rapport[0],
                        "rapport",
                        rapport[1],
                        "Rapport d'intervention signé",
                        it["date_fin"],
                        user_of_tech[it["tech"]],
                        rapport[2],
                        rapport[3],
                    )
                )
            if st_i in ("en_cours", "en_attente") and r.random() < 0.5:
                name = f"photo_{it['id']}_avant.jpg"
                self.rows["documents"].append(
                    (
                        it["id"],
                        eq,  # a document of an intervention carries its machine
                        name,
                        photo[0],
                        "photo",
                        photo[1],
                        "Photo avant intervention",
                        it["slot"][0],
                        user_of_tech[it["tech"]],
                        photo[2],
                        photo[3],
                    )
                )
            if st_i in OPEN and it["tech"] and r.random() < 0.5:
                self.rows["conversations"].append(
                    (
                        len(self.rows["conversations"]) + 1,
                        f"Intervention n° {it['id']}",
                        it["id"],
                    )
                )
                conv = len(self.rows["conversations"])
                members = [
                    self.resp_ids[0],
                    user_of_tech[it["tech"]],
                    user_of_client[it["client_id"]],
                ]
                for uid in members:
                    self.rows["conversation_participants"].append((conv, uid))
                t0 = it["created"]
                for k, text in enumerate(r.sample(ref.MESSAGES_CHAT, r.randint(2, 4))):
                    self.rows["messages"].append(
                        (
                            conv,
                            members[k % len(members)],
                            text,
                            t0 + timedelta(minutes=30 * (k + 1)),
                        )
                    )
        for e in self.equip:
            if r.random() < 0.2:
                name = f"manuel_{_ascii(e['nom'])[:20]}_{e['id']}.pdf"
                self.rows["documents"].append(
                    (
                        None,
                        e["id"],
                        name,
                        manuel[0],
                        "manuel",
                        manuel[1],
                        "Manuel d'utilisation constructeur",
                        self.now - timedelta(days=r.randint(30, 900)),
                        self.admin_ids[0],
                        manuel[2],
                        manuel[3],
                    )
                )
            if r.random() < 0.1 and e["statut"] != "retire":
                self.rows["taches"].append(
                    (
                        e["id"],
                        None,
                        "Prévoir le remplacement des flexibles au prochain arrêt",
                        self.today + timedelta(days=r.randint(5, 60)),
                        "a_faire",
                    )
                )
        # notifications
        kinds = ("intervention", "planning", "warning", "info", "success")
        for u in self.rows["users"]:
            for _ in range(r.randint(2, 5)):
                kind = r.choice(kinds)
                sent = self.now - timedelta(hours=r.randint(1, 24 * 200))
                read = r.random() < 0.5
                titre = {
                    "intervention": "Nouvelle intervention affectée",
                    "planning": "Créneau confirmé",
                    "warning": "Stock bas sur une pièce",
                    "info": "Mise à jour du planning",
                    "success": "Intervention clôturée",
                }[kind]
                self.rows["notifications"].append(
                    (
                        u[0],
                        titre,
                        f"{titre}. Consultez l'application pour le détail.",
                        kind,
                        read,
                        sent,
                        sent + timedelta(hours=2) if read else None,
                        None,
                        Jsonb({"source": "demo"}),
                    )
                )

    # -- billing and reports ---------------------------------------------------------------------
    def billing(self) -> None:
        r = self.r
        invoices: list[dict[str, Any]] = []
        for row in self.rows["contrats"]:
            ctr_id, cid, numero, _t, _s, start, end, montant = row[:8]
            d = start
            while d <= min(end, self.today):
                invoices.append(
                    {
                        "client": cid,
                        "contrat": ctr_id,
                        "emission": d,
                        "ht": montant,
                        "desc": f"Redevance annuelle du contrat {numero}",
                    }
                )
                d = date(d.year + 1, d.month, min(d.day, 28))
        fees_per_year: dict[int, int] = defaultdict(int)
        for f in invoices:
            fees_per_year[f["emission"].year] += 1
        # Work outside a contract is invoiced per client and month; in a year with more
        # client-months than the numbering allows (large seeds), per quarter, half or year.
        monthly: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(
            lambda: defaultdict(Decimal)
        )
        for it in self.interv:
            if it["statut"] in ("cloturee", "archivee") and it["contrat_id"] is None:
                d = it["date_fin"].date()
                monthly[d.year][(it["client_id"], d.month)] += it["cout_reel"]
        for y, by_month in sorted(monthly.items()):
            room = MAX_INVOICES_PER_YEAR - fees_per_year[y]
            for months in (1, 3, 6, 12):
                periods: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
                for (cid, m), ht in by_month.items():
                    periods[(cid, (m - 1) // months)] += ht
                if len(periods) <= room:
                    break
            else:
                raise ValueError(f"plus de {MAX_INVOICES_PER_YEAR} factures en {y}")
            for (cid, k), ht in periods.items():
                last_month = (k + 1) * months
                emission = min(date(y, last_month, 28), self.today)
                if (y, last_month) >= (self.today.year, self.today.month):
                    emission = self.today
                label = {
                    1: f"{last_month:02d}/{y}",
                    3: f"T{k + 1} {y}",
                    6: f"S{k + 1} {y}",
                    12: f"{y}",
                }[months]
                invoices.append(
                    {
                        "client": cid,
                        "contrat": None,
                        "emission": emission,
                        "ht": _money(ht),
                        "desc": f"Interventions hors contrat — {label}",
                    }
                )
        invoices.sort(key=lambda f: (f["emission"], f["client"]))
        per_year: dict[int, int] = defaultdict(int)
        for fid, f in enumerate(invoices, start=1):
            year = f["emission"].year
            per_year[year] += 1
            due = f["emission"] + timedelta(days=30)
            payment = None
            mode = None
            if (
                f["emission"].month == self.today.month
                and f["emission"].year == self.today.year
                and r.random() < 0.4
            ):
                statut = "brouillon"
            elif due < self.today:
                if r.random() < 0.93 or f["client"] == 2:
                    statut = "payee"
                    payment = min(f["emission"] + timedelta(days=r.randint(5, 45)), self.today)
                    mode = r.choice(ref.MODES_PAIEMENT)
                else:
                    statut = "en_retard"
            else:
                statut = "envoyee"
            if r.random() < 0.02:
                statut, payment, mode = "annulee", None, None
            self.rows["factures"].append(
                (
                    fid,
                    f["client"],
                    f["contrat"],
                    f"FAC-{year}-{per_year[year]:05d}",
                    statut,
                    f["emission"],
                    due,
                    payment,
                    f["ht"],
                    TVA,
                    ttc(f["ht"]),
                    f["desc"],
                    mode,
                )
            )

    def reports(self) -> None:
        admin = self.admin_ids[0]
        resp = self.resp_ids[0]
        samples = (
            ("Interventions du mois", "interventions", "excel", resp),
            ("Performance des techniciens", "performance", "pdf", resp),
            ("Valorisation du stock", "stock", "excel", admin),
            ("Factures en retard", "facturation", "csv", admin),
            ("Synthèse client Atlas Agro-Industries", "client", "pdf", resp),
        )
        for rid, (nom, kind, fmt, who) in enumerate(samples, start=1):
            generated = self.now - timedelta(days=rid * 7)
            self.rows["reports"].append(
                (
                    rid,
                    nom,
                    kind,
                    fmt,
                    Jsonb({"periode": "30j", "client_id": None}),
                    generated,
                    who,
                    f"demo/rapport_{rid}.{'xlsx' if fmt == 'excel' else fmt}",
                    "termine",
                    None,
                )
            )
        self.rows["report_schedules"].append(
            (
                1,
                "Rapport hebdomadaire des interventions",
                "0 7 * * 1",
                True,
                Jsonb(["direction@mif-maroc.ma", "responsable@mif-maroc.ma"]),
                self.now - timedelta(days=self.now.weekday()),
                self.now + timedelta(days=7),
            )
        )
        self.rows["report_schedules"].append(
            (
                4,
                "Relance mensuelle des factures en retard",
                "0 8 1 * *",
                True,
                Jsonb(["comptabilite@mif-maroc.ma"]),
                None,
                None,
            )
        )


# Column lists, in COPY order (explicit ids where other rows refer to them).
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "username", "full_name", "email", "hashed_password", "role", "is_active"),
    "techniciens": (
        "id",
        "user_id",
        "specialite",
        "disponibilite",
        "equipe",
        "zone_geographique",
        "notes_competences",
        "date_embauche",
    ),
    "clients": (
        "id",
        "user_id",
        "nom_entreprise",
        "secteur_activite",
        "type_client",
        "niveau_service",
        "adresse",
        "ville",
        "code_postal",
        "telephone",
        "email_commercial",
        "contact_principal",
        "notes_commerciales",
        "instructions_particulieres",
    ),
    "competences": ("id", "nom", "description", "niveau_requis", "certification", "active"),
    "technicien_competence": (
        "technicien_id",
        "competence_id",
        "niveau_acquis",
        "date_acquisition",
        "date_expiration",
        "notes",
        "certifie",
    ),
    "equipements": (
        "id",
        "client_id",
        "nom",
        "modele",
        "fabricant",
        "numero_serie",
        "date_installation",
        "statut",
        "criticite",
        "localisation",
        "specifications_techniques",
        "manuel_utilisation",
        "prochaine_maintenance",
        "cout_acquisition",
        "fournisseur",
        "date_fin_garantie",
        "duree_garantie_mois",
        "intervalle_maintenance_jours",
    ),
    "contrats": (
        "id",
        "client_id",
        "numero_contrat",
        "type_contrat",
        "statut",
        "date_debut",
        "date_fin",
        "montant",
        "devise",
        "conditions",
        "sla_details",
        "nb_interventions_incluses",
    ),
    "contrat_equipements": ("contrat_id", "equipement_id"),
    "interventions": (
        "id",
        "equipement_id",
        "technicien_id",
        "client_id",
        "contrat_id",
        "type_intervention",
        "statut",
        "priorite",
        "urgence",
        "titre",
        "description",
        "diagnostic",
        "solution",
        "date_creation",
        "date_planifiee",
        "date_debut",
        "date_fin",
        "date_limite",
        "duree_estimee",
        "duree_reelle",
        "cout_estime",
        "cout_reel",
        "notes_techniques",
        "satisfaction_client",
    ),
    "intervention_techniciens": ("intervention_id", "technicien_id", "role"),
    "absences": ("technicien_id", "date_debut", "date_fin", "motif", "notes"),
    "planning": (
        "intervention_id",
        "date_debut",
        "date_fin",
        "creneau",
        "notes_planning",
        "confirme",
        "rappel_envoye",
        "date_creation",
    ),
    "pieces_detachees": (
        "id",
        "reference",
        "nom",
        "description",
        "prix_unitaire",
        "stock_actuel",
        "stock_minimum",
        "stock_maximum",
        "unite",
        "fournisseur",
        "emplacement",
        "active",
    ),
    "mouvements_stock": (
        "piece_id",
        "intervention_id",
        "user_id",
        "type_mouvement",
        "quantite",
        "prix_unitaire",
        "date_mouvement",
        "commentaire",
        "bon_commande",
        "bon_livraison",
    ),
    "intervention_pieces": (
        "intervention_id",
        "piece_id",
        "quantite",
        "prix_unitaire",
        "notes",
        "date_utilisation",
    ),
    "taches": ("equipement_id", "intervention_id", "description", "date_echeance", "statut"),
    "documents": (
        "intervention_id",
        "equipement_id",
        "nom_fichier",
        "chemin",
        "type_document",
        "taille",
        "description",
        "date_upload",
        "uploaded_by",
        "mime_type",
        "checksum",
    ),
    "conversations": ("id", "titre", "intervention_id"),
    "conversation_participants": ("conversation_id", "user_id"),
    "messages": ("conversation_id", "user_id", "contenu", "horodatage"),
    "notifications": (
        "user_id",
        "titre",
        "message",
        "type_notification",
        "lu",
        "date_envoi",
        "date_lu",
        "intervention_id",
        "metadata",
    ),
    "factures": (
        "id",
        "client_id",
        "contrat_id",
        "numero_facture",
        "statut",
        "date_emission",
        "date_echeance",
        "date_paiement",
        "montant_ht",
        "taux_tva",
        "montant_ttc",
        "description",
        "mode_paiement",
    ),
    "reports": (
        "id",
        "nom",
        "type_report",
        "format",
        "parametres",
        "date_generation",
        "generated_by",
        "chemin_fichier",
        "statut",
        "erreur_message",
    ),
    "report_schedules": (
        "report_id",
        "nom_schedule",
        "cron_expression",
        "active",
        "destinataires",
        "derniere_execution",
        "prochaine_execution",
    ),
}

# Load order: referenced tables first; the initial 'entree' movements before the consumption.
LOAD_ORDER: tuple[str, ...] = (
    "users",
    "techniciens",
    "clients",
    "competences",
    "technicien_competence",
    "equipements",
    "contrats",
    "contrat_equipements",
    "interventions",
    "intervention_techniciens",
    "planning",
    "absences",
    "pieces_detachees",
    "mouvements_stock",
    "intervention_pieces",
    "taches",
    "documents",
    "conversations",
    "conversation_participants",
    "messages",
    "notifications",
    "factures",
    "reports",
    "report_schedules",
)

ALL_TABLES: tuple[str, ...] = (*LOAD_ORDER, "historiques_interventions")


def table_counts(cur: psycopg.Cursor) -> dict[str, int]:
    """Rows per table of the data model."""
    counts = {}
    for table in sorted(ALL_TABLES):
        cur.execute(f"SELECT count(*) FROM {table}")
        counts[table] = _one(cur)
    return counts


# From this scale on, ``run_seed`` takes the bulk path (see ``load_bulk``).
BULK_SCALE = 20

# Tables the bulk path loads with their user triggers disabled. The other tables keep theirs
# (small tables, or triggers that only fire on UPDATE). equipements has only UPDATE triggers:
# disabled for the set-wise last-maintenance update (its updated_at is this transaction's now()
# either way).
BULK_TABLES: tuple[str, ...] = (
    "equipements",
    "contrats",
    "contrat_equipements",
    "interventions",
    "intervention_techniciens",
    "planning",
    "pieces_detachees",
    "mouvements_stock",
    "intervention_pieces",
    "taches",
    "documents",
)

# Large tables whose foreign keys and secondary indexes the bulk path sets aside during the
# load: indexes are rebuilt once (much faster than row by row) and every foreign key is added
# back NOT VALID then validated, one set-wise check instead of one lookup per row.
DEFER_TABLES: tuple[str, ...] = (
    "equipements",
    "interventions",
    "intervention_techniciens",
    "planning",
    "historiques_interventions",
    "mouvements_stock",
    "intervention_pieces",
    "taches",
    "documents",
    "factures",
    "notifications",
)

# What the disabled triggers refuse, checked set-wise after the load: rule -> rows breaking it.
BULK_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "intervention_client_equipement",
        "SELECT count(*) FROM interventions i JOIN equipements e ON e.id = i.equipement_id"
        " WHERE i.client_id <> e.client_id",
    ),
    (
        "intervention_equipement_retire",
        "SELECT count(*) FROM interventions i JOIN equipements e ON e.id = i.equipement_id"
        " WHERE e.statut = 'retire'",
    ),
    (
        "intervention_contrat_client",
        "SELECT count(*) FROM interventions i JOIN contrats c ON c.id = i.contrat_id"
        " WHERE c.client_id <> i.client_id",
    ),
    (
        "intervention_technicien_requis",
        "SELECT count(*) FROM interventions WHERE technicien_id IS NULL"
        " AND statut IN ('affectee', 'en_cours', 'en_attente', 'cloturee')",
    ),
    (
        # the status trigger would fill these in: the generator must have done it
        "intervention_transition",
        "SELECT count(*) FROM interventions"
        " WHERE (statut IN ('en_cours', 'en_attente', 'cloturee') AND date_debut IS NULL)"
        "    OR (statut = 'cloturee' AND (date_fin IS NULL OR duree_reelle IS NULL))",
    ),
    (
        "contrat_equipement_client",
        "SELECT count(*) FROM contrat_equipements ce JOIN contrats c ON c.id = ce.contrat_id"
        " JOIN equipements e ON e.id = ce.equipement_id WHERE c.client_id <> e.client_id",
    ),
    (
        "tache_equipement_intervention",
        "SELECT count(*) FROM taches t JOIN interventions i ON i.id = t.intervention_id"
        " WHERE t.equipement_id IS DISTINCT FROM i.equipement_id",
    ),
    (
        "document_equipement_intervention",
        "SELECT count(*) FROM documents d JOIN interventions i ON i.id = d.intervention_id"
        " WHERE d.equipement_id IS DISTINCT FROM i.equipement_id",
    ),
    (
        # loaded rows are assistants: the principal rows are derived from the interventions
        "intervention_principal_coherent",
        "SELECT count(*) FROM intervention_techniciens WHERE role = 'principal'",
    ),
    (
        "stock_par_mouvement",
        "SELECT count(*) FROM pieces_detachees WHERE stock_actuel <> 0",
    ),
    (
        "planning_intervention_close",
        "SELECT count(*) FROM planning p JOIN interventions i ON i.id = p.intervention_id"
        " WHERE i.statut IN ('annulee', 'archivee')",
    ),
    (
        # trg_planning_date_planifiee would write it: the generator must have
        "planning_date_planifiee",
        "SELECT count(*) FROM planning p JOIN interventions i ON i.id = p.intervention_id"
        " WHERE i.date_planifiee IS DISTINCT FROM p.date_debut",
    ),
)

# What the disabled triggers would have written, done set-wise (in this order).
BULK_DERIVE: tuple[tuple[str, str], ...] = (
    (
        # trg_interventions_principal_sync: the principal technician's row
        "principal",
        "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
        " SELECT id, technicien_id, 'principal' FROM interventions"
        " WHERE technicien_id IS NOT NULL"
        " ON CONFLICT (intervention_id, technicien_id) DO UPDATE SET role = 'principal'",
    ),
    (
        # trg_planning_occupations: every technician of a planned intervention is busy then
        # (the exclusion constraint checks the whole planning as it is filled)
        "occupations",
        "INSERT INTO planning_occupations (technicien_id, periode, planning_id, intervention_id)"
        " SELECT it.technicien_id, tstzrange(p.date_debut, p.date_fin), p.id, p.intervention_id"
        " FROM planning p JOIN intervention_techniciens it USING (intervention_id)"
        " ORDER BY p.date_debut, it.technicien_id",
    ),
    (
        # intervention_audit_trigger: one 'creation' row holding the full row
        "audit",
        "INSERT INTO historiques_interventions (intervention_id, user_id, action, description,"
        " ancienne_valeur, nouvelle_valeur, horodatage, adresse_ip, user_agent)"
        " SELECT i.id, (SELECT app_current_user_id()), 'creation',"
        " 'Création de l''intervention', NULL,"
        " to_jsonb(i) - 'created_at' - 'updated_at' - 'planifiee', now(),"
        " (SELECT NULLIF(current_setting('app.client_ip', true), '')::inet),"
        " (SELECT NULLIF(current_setting('app.user_agent', true), ''))"
        " FROM interventions i ORDER BY i.id",
    ),
    (
        # trg_planning_planifiee: an intervention with a slot is marked planned (the audit
        # trigger leaves the derived flag out of the trail, as the creation rows above do)
        "planned",
        "UPDATE interventions i SET planifiee = true FROM planning p"
        " WHERE p.intervention_id = i.id",
    ),
    (
        # trg_contrats_usage / trg_interventions_contrat_usage
        "contract_usage",
        "UPDATE contrats c SET nb_interventions_utilisees = u.n FROM ("
        " SELECT contrat_id, count(*) AS n FROM interventions"
        " WHERE contrat_id IS NOT NULL AND statut <> 'annulee'"
        " AND NOT (statut = 'archivee' AND date_fin IS NULL) GROUP BY contrat_id) u"
        " WHERE u.contrat_id = c.id",
    ),
    (
        # trg_interventions_closed_equipement: fired by interventions inserted 'cloturee'
        "last_maintenance",
        "UPDATE equipements e SET derniere_maintenance = m.d FROM ("
        " SELECT equipement_id, max(date_fin) AS d FROM interventions"
        " WHERE statut = 'cloturee' GROUP BY equipement_id) m"
        " WHERE e.id = m.equipement_id"
        " AND (e.derniere_maintenance IS NULL OR e.derniere_maintenance < m.d)",
    ),
    (
        # trg_intervention_pieces_movement: each part line consumed is a 'sortie' movement
        "parts_movements",
        "INSERT INTO mouvements_stock (piece_id, intervention_id, user_id, type_mouvement,"
        " quantite, prix_unitaire, date_mouvement, commentaire)"
        " SELECT piece_id, intervention_id, (SELECT app_current_user_id()), 'sortie', quantite,"
        " prix_unitaire, COALESCE(date_utilisation, now()),"
        " format('Consommation intervention n° %s', intervention_id)"
        " FROM intervention_pieces ORDER BY date_utilisation, intervention_id, piece_id",
    ),
    (
        # trg_mouvements_stock_apply: the stock is the signed sum of the movements
        "stock_levels",
        "UPDATE pieces_detachees p SET stock_actuel = s.total FROM ("
        " SELECT piece_id, sum(CASE type_mouvement WHEN 'entree' THEN quantite"
        "  WHEN 'sortie' THEN -quantite WHEN 'ajustement' THEN quantite ELSE 0 END) AS total"
        " FROM mouvements_stock GROUP BY piece_id) s WHERE p.id = s.piece_id",
    ),
)

# apply_mouvement_stock refuses a movement that would take the stock under zero, in the
# order the movements are written: no running balance may go negative.
STOCK_RUNNING_CHECK = (
    "SELECT count(*) FROM (SELECT sum(CASE type_mouvement WHEN 'entree' THEN quantite"
    " WHEN 'sortie' THEN -quantite WHEN 'ajustement' THEN quantite ELSE 0 END)"
    " OVER (PARTITION BY piece_id ORDER BY id) AS balance FROM mouvements_stock) s"
    " WHERE balance < 0"
)


class SeedRuleError(RuntimeError):
    """Generated rows break a rule that the disabled triggers would have refused."""


def build_generator(*, scale: int, rng_seed: int = 2026, now: datetime) -> Generator:
    """Generate every table's rows in memory (no database access)."""
    gen = Generator(scale=scale, rng_seed=rng_seed, now=now)
    demo_hashes = {u: hash_password(pw) for u, (pw, _r, _n) in DEMO_ACCOUNTS.items()}
    # Background accounts share one hash of a random secret: they cannot log in.
    other_hash = hash_password(random.SystemRandom().randbytes(24).hex())
    gen.people(demo_hashes, other_hash)
    gen.equipment()
    gen.contracts()
    gen.interventions()
    gen.details()
    gen.billing()
    gen.reports()
    gen.absences()
    return gen


def _timed(timings: dict[str, float], key: str, started: float) -> float:
    now = time.perf_counter()
    timings[key] = timings.get(key, 0.0) + now - started
    return now


def load_with_triggers(cur: psycopg.Cursor, gen: Generator, timings: dict[str, float]) -> None:
    """COPY every table with every trigger on: the database derives what it derives."""
    for table in LOAD_ORDER:
        t0 = time.perf_counter()
        copy_rows(cur, table, COLUMNS[table], gen.rows[table])
        _timed(timings, f"copy:{table}", t0)


def _set_aside(
    cur: psycopg.Cursor, tables: Sequence[str]
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Drop the foreign keys and the indexes not backing a constraint of ``tables``.

    Returns (table, name, definition) of each, to put them back exactly as they were.
    """
    cur.execute(
        "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c WHERE c.contype = 'f' AND c.convalidated"
        " AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        (list(tables),),
    )
    foreign_keys = cur.fetchall()
    cur.execute(
        "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,"
        " pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = ANY(%s::regclass[])"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        " ORDER BY 1, 2",
        (list(tables),),
    )
    indexes = cur.fetchall()
    for table, name, _definition in foreign_keys:
        cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for _table, name, _definition in indexes:
        cur.execute(f"DROP INDEX {name}")
    return foreign_keys, indexes


def load_bulk(cur: psycopg.Cursor, gen: Generator, timings: dict[str, float]) -> None:
    """COPY with the row triggers of ``BULK_TABLES`` out of the way, then derive set-wise.

    ``ALTER TABLE ... DISABLE TRIGGER USER`` is allowed to the tables' owner (no superuser
    needed, unlike ``session_replication_role``) and is transactional: on any error the
    triggers, keys and indexes are back as they were. CHECK, primary key and unique
    constraints stay on; the foreign keys and other indexes of ``DEFER_TABLES`` are dropped
    for the load, then rebuilt and validated before the commit. Every rule a disabled trigger
    enforces is checked set-wise (``BULK_CHECKS``, ``STOCK_RUNNING_CHECK``) and what it writes
    is written set-wise (``BULK_DERIVE``), before the triggers are enabled again.
    """
    t0 = time.perf_counter()
    for table in BULK_TABLES:
        cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    foreign_keys, indexes = _set_aside(cur, DEFER_TABLES)
    t0 = _timed(timings, "disable_triggers", t0)
    for table in LOAD_ORDER:
        copy_rows(cur, table, COLUMNS[table], gen.rows[table])
        t0 = _timed(timings, f"copy:{table}", t0)
    # fresh statistics, so the set-wise statements below get hash joins, not nested loops
    # (a small sample is enough to size hash joins)
    cur.execute("SET LOCAL default_statistics_target = 10")
    cur.execute(f"ANALYZE {', '.join(BULK_TABLES)}")
    cur.execute("RESET default_statistics_target")
    t0 = _timed(timings, "analyze", t0)
    broken = {}
    for rule, sql in BULK_CHECKS:
        cur.execute(sql)
        n = _one(cur)
        if n:
            broken[rule] = n
        t0 = _timed(timings, f"check:{rule}", t0)
    if broken:
        raise SeedRuleError(f"rows breaking the database rules: {broken}")
    for step, sql in BULK_DERIVE:
        cur.execute(sql)
        t0 = _timed(timings, f"derive:{step}", t0)
    for table, _name, definition in indexes:
        cur.execute(definition)
        t0 = _timed(timings, f"index:{table}", t0)
    for table, name, definition in foreign_keys:
        cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition} NOT VALID")
        cur.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
        t0 = _timed(timings, f"fk:{table}", t0)
    cur.execute(STOCK_RUNNING_CHECK)
    if n := _one(cur):
        raise SeedRuleError(f"rows breaking the database rules: {{'stock_insuffisant': {n}}}")
    t0 = _timed(timings, "check:stock_insuffisant", t0)
    for table in BULK_TABLES:
        cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    _timed(timings, "enable_triggers", t0)


def run_seed(
    *,
    url: URL | None = None,
    scale: int = 1,
    rng_seed: int = 2026,
    now: datetime | None = None,
    bulk: bool | None = None,
    generator: Generator | None = None,
) -> SeedReport:
    """Load the demo data into the database at ``url`` (owner URL) unless already there.

    ``bulk`` chooses the loader: None (default) takes the bulk path from ``BULK_SCALE`` on;
    True / False force it either way (tests run the invariants on both). ``generator``: rows
    already generated (a benchmark loads the very rows it also COPYs raw).
    """
    started = time.perf_counter()
    url = url or config.owner_url()
    with psycopg.connect(_psycopg_conninfo(url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM users WHERE username = %s", ("admin",))
        if cur.fetchone():
            return SeedReport(
                created=False, counts=table_counts(cur), seconds=time.perf_counter() - started
            )
        now = (now or datetime.now(UTC)).astimezone(TZ).replace(minute=0, second=0, microsecond=0)
        bulk = scale >= BULK_SCALE if bulk is None else bulk
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        gen = generator or build_generator(scale=scale, rng_seed=rng_seed, now=now)
        t0 = _timed(timings, "generate", t0)
        (load_bulk if bulk else load_with_triggers)(cur, gen, timings)
        t0 = time.perf_counter()
        # Retired machines: their history is in; now the last lifecycle step.
        retired = [e["id"] for e in gen.equip if e["statut"] == "retire"]
        if retired:
            cur.execute("UPDATE equipements SET statut = 'retire' WHERE id = ANY(%s)", (retired,))
        for table in LOAD_ORDER:
            if "id" in COLUMNS[table]:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT COALESCE(max(id), 1) FROM {table}))"
                )
        t0 = _timed(timings, "finish", t0)
        cur.execute("SELECT refresh_materialized_views()")
        t0 = _timed(timings, "refresh_views", t0)
        counts = table_counts(cur)
        # The three files the demo documents point to, before the rows become visible.
        store_demo_files()
        conn.commit()
        _timed(timings, "commit", t0)
    return SeedReport(
        created=True,
        counts=counts,
        seconds=time.perf_counter() - started,
        bulk=bulk,
        timings=timings,
    )
