#!/usr/bin/env python3
"""Writes a company-alias world from another generator (Faker), to measure the matcher on lists
ecograph's generators did not write.

Companies are built from Faker's name parts (founders' surnames, locale prefixes, legal forms).
Left: one legal name per company. Right: half the records are another name of a left company (the
legal form dropped, only the first of several founders' names kept, a country subsidiary, a group or
holding form, the web domain, upper case, now and then a keyed-in slip); the other half are the same
kinds of names of companies the left list does not hold, drawn from the same name pools, so they
share surnames and forms with left companies. Names only, as alias lists come.

    python3 -m venv /tmp/fk && /tmp/fk/bin/pip install faker==40.63.0   # the figures used 40.63.0
    /tmp/fk/bin/python tools/aliases_world.py --seed 1 --n 5000 --out /tmp/aliases1
    ecograph match --left /tmp/aliases1/left.csv --right /tmp/aliases1/right.csv --out /tmp/aliases1/pairs.csv
    python3 tools/score_pairs.py /tmp/aliases1/pairs.csv /tmp/aliases1/truth.csv

Development seeds read while building: 1. Report seed: 2 (run once per model).
"""
import argparse
import csv
import os
import random
import re
import unicodedata

from faker import Faker

LOCALES = {
    # locale: (country word of a subsidiary, its legal forms, the locale's "and")
    "en_US": ("USA", ["Inc", "LLC", "Corp"], "and"),
    "de_DE": ("Deutschland", ["GmbH", "AG"], "und"),
    "fr_FR": ("France", ["SA", "SAS", "SARL"], "et"),
    "pt_BR": ("do Brasil", ["Ltda", "S/A"], "e"),
    "sv_SE": ("Sverige", ["AB"], "och"),
    "es_ES": ("España", ["S.A.", "S.L."], "y"),
    "it_IT": ("Italia", ["S.p.A.", "s.r.l."], "e"),
    "nl_NL": ("Nederland", ["B.V.", "N.V."], "en"),
    "pl_PL": ("Polska", ["Sp. z o.o.", "S.A."], "i"),
}
DESCRIPTORS = ["Group", "Holding", "International", "Solutions", "Services", "Partners"]
TLDS = {"en_US": "com", "de_DE": "de", "fr_FR": "fr", "pt_BR": "com.br", "sv_SE": "se",
        "es_ES": "es", "it_IT": "it", "nl_NL": "nl", "pl_PL": "pl"}


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


class Company:
    """A company built from Faker's name parts: founders' surnames, an optional locale prefix
    ("Grupo", "Stichting") and a legal form from Faker's list for the locale."""

    def __init__(self, rng, fake, loc):
        self.loc = loc
        k = rng.choices([1, 2, 3], [0.5, 0.35, 0.15])[0]
        self.founders = []
        while len(self.founders) < k:
            n = fake.last_name()
            if n not in self.founders:
                self.founders.append(n)
        prefixes = getattr(fake.provider("faker.providers.company"), "company_prefixes", ())
        self.prefix = rng.choice(list(prefixes)) if prefixes and rng.random() < 0.2 else None
        self.suffix = fake.company_suffix()
        and_word = LOCALES[loc][2]
        f = self.founders
        if k == 1:
            joined = f[0]
        elif k == 2:
            joined = rng.choice([f"{f[0]}-{f[1]}", f"{f[0]} {f[1]}", f"{f[0]} & {f[1]}"])
        else:
            joined = f"{f[0]}, {f[1]} {and_word} {f[2]}"
        self.legal = " ".join(x for x in [self.prefix, joined, self.suffix] if x)

    def key(self):
        return (self.prefix, tuple(sorted(fold(x) for x in self.founders)))

    def core(self, n=None):
        words = self.founders[:n] if n else self.founders
        return " ".join(x for x in [self.prefix, *words] if x)

    def alias(self, rng, first_is_own):
        """Another name of this company; `first_is_own` says whether its first founder's name
        names no other company of the world (only then may the alias keep just that name)."""
        country, forms, _ = LOCALES[self.loc]
        kind = rng.random()
        if kind < 0.25:
            out = self.core()  # legal form dropped
        elif kind < 0.45:
            if len(self.founders) > 1 and first_is_own:
                out = self.founders[0]
            else:
                out = f"{self.core()} {rng.choice(forms)}"
        elif kind < 0.60:
            out = f"{self.core()} {country} {rng.choice(forms)}"
        elif kind < 0.75:
            out = f"{self.core(2)} {rng.choice(DESCRIPTORS)}"
        elif kind < 0.88:
            host = re.sub(r"[^a-z0-9]", "", fold("".join(self.founders[:2])))
            out = f"{rng.choice(['', '', 'www.'])}{host}.{TLDS[self.loc]}"
        else:
            out = self.legal.upper()
        if rng.random() < 0.03 and len(out) > 6:
            i = rng.randrange(1, len(out) - 1)
            out = out[:i] + out[i + 1] + out[i] + out[i + 2:]  # two letters swapped
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", type=int, default=5000, help="left records; the right list has as many")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(a.seed * 100 + i)
    seen, pool = set(), []
    while len(pool) < 2 * a.n:
        loc = rng.choice(list(LOCALES))
        c = Company(rng, fakers[loc], loc)
        # One company per prefix and set of founders, so that the truth is recoverable.
        if c.key() in seen:
            continue
        seen.add(c.key())
        pool.append(c)
    firsts = {}
    for c in pool:
        first = fold(c.founders[0])
        firsts[first] = firsts.get(first, 0) + 1
    def own(c):
        return firsts[fold(c.founders[0])] == 1
    left = pool[: a.n]
    others = pool[a.n:]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "left.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name"])
        for i, c in enumerate(left):
            w.writerow([f"L{i}", c.legal])
    right, truth = [], []
    for i in rng.sample(range(a.n), a.n // 2):
        right.append((left[i].alias(rng, own(left[i])), f"L{i}"))
    for c in others[: a.n - a.n // 2]:
        right.append((c.alias(rng, own(c)), None))
    rng.shuffle(right)
    with open(os.path.join(a.out, "right.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name"])
        for j, (name, lid) in enumerate(right):
            w.writerow([f"R{j}", name])
            if lid:
                truth.append((lid, f"R{j}"))
    with open(os.path.join(a.out, "truth.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["left_id", "right_id"])
        w.writerows(truth)
    print(f"aliases world seed {a.seed}: {len(left)} left, {len(right)} right, {len(truth)} true pairs -> {a.out}")


if __name__ == "__main__":
    main()
