#!/usr/bin/env python3
"""altworld: a second, independently written generator of partner ecosystems.

It writes a directory that `ecograph import DIR` reads (the layout of fixtures/README.md), from
mechanisms and distributions that are deliberately NOT those of ecograph's own generator
(src/generator/), so that ecograph's models can be measured on worlds they were not tuned on:
learn mechanisms, not the generator. See benches/peers/README.md for the mechanisms.

    python3 benches/peers/altworld.py --seed 11 --partners 2000 --accounts 60000 --out /tmp/alt/w11

Python 3.11, standard library only. Deterministic: the output depends only on the arguments
(every part draws from its own random.Random seeded with a string of the seed and the part's
name). Progress goes to stderr; one summary line to stdout.
"""

import argparse
import bisect
import csv
import datetime as dt
import json
import math
import os
import random
import sys
import time

# ---------------------------------------------------------------------------------------------
# Vocabularies (the canonical spellings ecograph accepts) and this world's own catalogues.

REGIONS = ["NA", "EMEA", "APAC", "LATAM"]
REGION_W = [0.40, 0.33, 0.17, 0.10]

# country code, region, weight in region, currency, ccTLD, units of currency per USD, name
COUNTRIES = [
    ("US", "NA", 0.82, "USD", "com", 1.0, "United States"),
    ("CA", "NA", 0.18, "CAD", "ca", 1.36, "Canada"),
    ("DE", "EMEA", 0.24, "EUR", "de", 0.92, "Germany"),
    ("GB", "EMEA", 0.22, "GBP", "co.uk", 0.79, "United Kingdom"),
    ("FR", "EMEA", 0.14, "EUR", "fr", 0.92, "France"),
    ("NL", "EMEA", 0.08, "EUR", "nl", 0.92, "Netherlands"),
    ("ES", "EMEA", 0.08, "EUR", "es", 0.92, "Spain"),
    ("IT", "EMEA", 0.08, "EUR", "it", 0.92, "Italy"),
    ("SE", "EMEA", 0.06, "SEK", "se", 10.5, "Sweden"),
    ("ZA", "EMEA", 0.05, "ZAR", "co.za", 18.2, "South Africa"),
    ("AE", "EMEA", 0.05, "AED", "ae", 3.67, "United Arab Emirates"),
    ("JP", "APAC", 0.30, "JPY", "jp", 150.0, "Japan"),
    ("IN", "APAC", 0.25, "INR", "in", 83.0, "India"),
    ("AU", "APAC", 0.22, "AUD", "com.au", 1.52, "Australia"),
    ("SG", "APAC", 0.13, "SGD", "sg", 1.34, "Singapore"),
    ("KR", "APAC", 0.10, "KRW", "kr", 1330.0, "South Korea"),
    ("BR", "LATAM", 0.45, "BRL", "com.br", 5.0, "Brazil"),
    ("MX", "LATAM", 0.35, "MXN", "mx", 17.1, "Mexico"),
    ("CL", "LATAM", 0.10, "CLP", "cl", 930.0, "Chile"),
    ("AR", "LATAM", 0.10, "ARS", "com.ar", 850.0, "Argentina"),
]
COUNTRY = {c[0]: c for c in COUNTRIES}

LEGAL = {
    "US": ["Inc.", "LLC", "Corp."], "CA": ["Inc.", "Ltd."], "DE": ["GmbH", "AG", "KG"],
    "GB": ["Ltd", "PLC", "LLP"], "FR": ["SAS", "SA", "SARL"], "NL": ["B.V.", "N.V."],
    "ES": ["S.L.", "S.A."], "IT": ["S.r.l.", "S.p.A."], "SE": ["AB"], "ZA": ["(Pty) Ltd"],
    "AE": ["LLC", "FZE"], "JP": ["K.K.", "Co., Ltd."], "IN": ["Pvt. Ltd.", "Ltd."],
    "AU": ["Pty Ltd"], "SG": ["Pte. Ltd."], "KR": ["Co., Ltd."], "BR": ["Ltda.", "S.A."],
    "MX": ["S.A. de C.V."], "CL": ["SpA", "S.A."], "AR": ["S.R.L.", "S.A."],
}

INDUSTRIES = ["Manufacturing", "Technology", "Financial Services", "Retail", "Healthcare",
              "Logistics", "Energy", "Media", "Public Sector", "Life Sciences", "Education",
              "Telecommunications"]
# Each region has its own industry structure.
INDUSTRY_W = {
    "NA": [8, 22, 18, 10, 12, 5, 4, 7, 5, 5, 2, 2],
    "EMEA": [24, 10, 14, 8, 8, 9, 6, 4, 7, 5, 2, 3],
    "APAC": [26, 16, 8, 10, 5, 8, 3, 4, 3, 3, 2, 12],
    "LATAM": [12, 6, 12, 18, 6, 8, 20, 4, 6, 2, 3, 3],
}
# thousands of USD of revenue per employee
REV_PER_HEAD = {"Manufacturing": 220, "Technology": 250, "Financial Services": 400, "Retail": 150,
                "Healthcare": 160, "Logistics": 180, "Energy": 600, "Media": 200,
                "Public Sector": 110, "Life Sciences": 350, "Education": 90,
                "Telecommunications": 450}
INDUSTRY_WORDS = {
    "Manufacturing": ["Industries", "Fabrication", "Machining", "Components", "Metalworks"],
    "Technology": ["Software", "Digital", "Computing", "Data", "Systems"],
    "Financial Services": ["Capital", "Bancorp", "Insurance", "Finance", "Trust"],
    "Retail": ["Stores", "Outfitters", "Market", "Goods", "Brands"],
    "Healthcare": ["Health", "Clinics", "Care", "Medical", "Hospitals"],
    "Logistics": ["Freight", "Logistics", "Shipping", "Transport", "Haulage"],
    "Energy": ["Energy", "Power", "Renewables", "Petroleum", "Utilities"],
    "Media": ["Media", "Studios", "Publishing", "Broadcasting", "Entertainment"],
    "Public Sector": ["Authority", "Council", "Agency", "Department", "Board"],
    "Life Sciences": ["Biologics", "Therapeutics", "Pharma", "Genomics", "Biotech"],
    "Education": ["Academy", "College", "Institute", "Learning", "School"],
    "Telecommunications": ["Telecom", "Networks", "Wireless", "Fibre", "Mobile"],
}
# A partner CRM's own words for industries (half of the rows that give one use them).
INDUSTRY_SYNONYMS = {
    "Manufacturing": ["Industrial", "MFG"], "Technology": ["Tech", "Software & IT"],
    "Financial Services": ["FSI", "Banking"], "Retail": ["Retail & CPG", "Consumer"],
    "Healthcare": ["HLS", "Health"], "Logistics": ["Transport", "Supply Chain"],
    "Energy": ["Oil & Gas", "Utilities"], "Media": ["M&E", "Media & Ent."],
    "Public Sector": ["Government", "Gov"], "Life Sciences": ["Pharma", "Biotech"],
    "Education": ["EDU", "Higher Ed"], "Telecommunications": ["Telco", "Comms"],
}
PREFIX = ["Blue", "North", "Iron", "Silver", "Clear", "Red", "Stone", "Oak", "Bright", "Swift",
          "True", "Summit", "Cedar", "Maple", "Harbor", "Falcon", "Apex", "Nova", "Vertex",
          "Lumen", "Orbit", "Delta", "Crest", "Arc", "Pine", "Gold", "Sky", "River", "Lake", "Sun",
          "West", "East", "High", "Deep", "Wild", "Star", "Frost", "Amber", "Copper", "Granite",
          "Willow", "Aspen", "Birch", "Coral", "Ember", "Flint", "Glen", "Hazel", "Indigo", "Jade",
          "Kestrel", "Linden", "Meridian", "Nimbus", "Onyx", "Prism", "Quartz", "Rowan", "Sable",
          "Tidal"]
STEM = ["field", "gate", "line", "point", "bridge", "works", "wave", "path", "stone", "peak",
        "ridge", "view", "core", "wise", "forge", "mark", "dale", "haven", "light", "shore",
        "brook", "crest", "vale", "wood", "port", "stead", "ford", "mont", "spire", "well",
        "helm", "hurst", "moor", "bay", "cliff", "grove", "hill", "land", "side", "ton"]
PARTNER_WORDS = {
    "SI": ["Consulting", "Solutions", "Digital", "Advisory Group"],
    "GSI": ["Global", "Group", "International"],
    "ISV": ["Software", "Labs", "AI", "Apps"],
    "MSP": ["Managed Services", "Cloud", "IT Services", "Hosting"],
    "VAR": ["Technologies", "Systems", "Direct", "Computers"],
    "DISTRIBUTOR": ["Distribution", "Supply", "Channel Services"],
    "REFERRAL": ["Advisors", "Partners", "Associates", "Ventures"],
}
FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Robin", "Jamie", "Avery", "Riley",
         "Noor", "Ines", "Kenji", "Priya", "Lukas", "Sofia", "Mateo", "Hana", "Omar", "Elena"]
LAST = ["Baker", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
        "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Tanaka",
        "Vogel", "Wright"]

PRODUCTS = ["Helix Data Cloud", "Helix Observe", "Helix Secure", "Helix Connect",
            "Helix Identity", "Helix Analytics"]
CERTS = ["Helix Certified Architect", "Helix Security Engineer", "Helix Data Engineer",
         "Helix Sales Specialist", "Helix Managed Operations", "Helix Integration Developer",
         "Helix Presales Engineer", "Helix Migration Expert"]
CAPS = {
    "SI": ["system integration", "industry consulting", "data migration", "custom development"],
    "GSI": ["system integration", "industry consulting", "change management", "data migration"],
    "ISV": ["custom development", "analytics", "connectors"],
    "MSP": ["24x7 support", "managed security", "cloud deployment", "backup and recovery"],
    "VAR": ["licensing", "logistics and fulfilment", "training", "hardware bundles"],
    "DISTRIBUTOR": ["logistics and fulfilment", "credit and financing", "reseller enablement"],
    "REFERRAL": ["industry consulting", "co-marketing", "executive introductions"],
}
TYPES = ["SI", "MSP", "VAR", "REFERRAL", "ISV", "DISTRIBUTOR", "GSI"]
TYPE_W = [0.33, 0.20, 0.18, 0.14, 0.115, 0.025, 0.01]
ROLE_OF = {"SI": "services", "GSI": "services", "MSP": "services", "ISV": "influencing",
           "VAR": "transacting", "DISTRIBUTOR": "transacting", "REFERRAL": "referral"}
SEGMENTS = ["SMB", "MM", "ENT"]
SEG_W = [0.60, 0.28, 0.12]
# which segments a partner type's book favours
SEG_PREF = {"GSI": [0.05, 0.25, 0.70], "SI": [0.25, 0.45, 0.30], "VAR": [0.55, 0.35, 0.10],
            "MSP": [0.60, 0.35, 0.05], "REFERRAL": [0.70, 0.25, 0.05],
            "ISV": [0.35, 0.40, 0.25], "DISTRIBUTOR": [0.50, 0.35, 0.15]}
# share of a book's rows that are the partner's customers
CUSTOMER_SHARE = {"MSP": 0.45, "DISTRIBUTOR": 0.50, "VAR": 0.35, "SI": 0.25, "GSI": 0.30,
                  "ISV": 0.15, "REFERRAL": 0.05}

# The hidden play-outcome table: partner type x play motion (logit contributions).
MOTIONS = ["joint_webinar", "marketplace_private_offer", "co_sell_account_plan",
           "msp_migration_offer", "integration_bundle", "mdf_campaign"]
TYPE_MOTION = {
    "SI":          [-0.4, -0.6, 0.9, -0.3, 0.3, -0.5],
    "GSI":         [-0.8, -0.2, 1.3, -0.8, 0.2, -1.0],
    "ISV":         [0.2, 1.0, -0.3, -0.9, 1.2, -0.6],
    "MSP":         [-0.6, 0.4, -0.4, 1.4, -0.2, -0.3],
    "VAR":         [0.3, 0.8, 0.1, 0.2, -0.7, 0.9],
    "DISTRIBUTOR": [0.0, 1.1, -0.9, -0.4, -0.9, 1.2],
    "REFERRAL":    [1.0, -1.2, 0.4, -1.2, -1.0, 0.2],
}
MOTION_DAYS = {"joint_webinar": 30, "marketplace_private_offer": 45, "co_sell_account_plan": 90,
               "msp_migration_offer": 120, "integration_bundle": 150, "mdf_campaign": 75}
MOTION_PIPE = {"joint_webinar": 30000, "marketplace_private_offer": 120000,
               "co_sell_account_plan": 300000, "msp_migration_offer": 80000,
               "integration_bundle": 50000, "mdf_campaign": 35000}
# Plays: (name, motion, declared partner types, industries, regions, promotion weight,
# description). The declared types are the program's belief, only partly what really works
# (TYPE_MOTION): e.g. the webinars are declared for ISVs and SIs, yet referral partners do best.
PLAYS = [
    ("Helix Live: data modernisation webinars", "joint_webinar", ["ISV", "SI"], [], [], 3.0,
     "Monthly co-branded webinar with a live Helix Data Cloud walkthrough."),
    ("Regulated industries roundtable", "joint_webinar", ["SI", "GSI"],
     ["Financial Services", "Healthcare"], ["EMEA"], 1.0,
     "Invite-only virtual roundtable on compliance for banks and hospitals."),
    ("Private offer: Helix Observe on marketplaces", "marketplace_private_offer", ["ISV", "MSP"],
     [], [], 2.0, "Partner-priced private offers against cloud commits."),
    ("Reseller private offer desk", "marketplace_private_offer", ["VAR", "DISTRIBUTOR"], [],
     ["NA", "EMEA"], 1.5, "A desk that structures private offers for resellers."),
    ("Named-account co-sell", "co_sell_account_plan", ["GSI", "SI"], [], [], 2.0,
     "Joint account plan with an executive sponsor on both sides."),
    ("Vertical co-sell: manufacturing", "co_sell_account_plan", ["SI", "VAR"],
     ["Manufacturing", "Logistics"], [], 1.0,
     "Shop-floor analytics pursuits co-sold with vertical specialists."),
    ("Lift-and-operate migration", "msp_migration_offer", ["MSP"], [], [], 1.5,
     "Funded migration onto Helix Data Cloud, then run as a managed service."),
    ("Security operations migration", "msp_migration_offer", ["MSP", "SI"],
     ["Financial Services", "Public Sector", "Healthcare"], [], 1.0,
     "Helix Secure and Helix Identity migrated and operated by the partner."),
    ("Connector bundle", "integration_bundle", ["ISV"], ["Technology"], [], 1.0,
     "A certified Helix Connect connector sold with the platform as one SKU."),
    ("Industry data product bundle", "integration_bundle", ["ISV", "SI"],
     ["Life Sciences", "Energy", "Telecommunications"], ["APAC", "EMEA"], 0.8,
     "The partner's industry data model pre-loaded on Helix Analytics."),
    ("Always-on MDF demand generation", "mdf_campaign", ["VAR", "REFERRAL", "DISTRIBUTOR"], [],
     [], 3.0, "Market development funds for digital campaigns, paid on proof of execution."),
    ("Field events fund", "mdf_campaign", ["SI", "VAR"], ["Public Sector", "Education"],
     ["NA", "LATAM"], 1.0, "Funded presence at regional field events."),
]
IPPS = [
    {"id": "IPP-VFS", "name": "Vertical SI, Financial Services",
     "description": "Specialist integrator for banks and insurers.",
     "partner_types": ["SI", "GSI"], "industries": ["Financial Services"], "regions": [],
     "certifications": ["Helix Certified Architect", "Helix Data Engineer"],
     "capabilities": ["industry consulting", "data migration"],
     "min_employees": 20, "max_employees": 20000, "target_customers": 5},
    {"id": "IPP-MSP", "name": "Managed operations partner",
     "description": "Runs Helix for mid-market customers.",
     "partner_types": ["MSP"], "industries": [], "regions": ["NA", "EMEA"],
     "certifications": ["Helix Managed Operations"],
     "capabilities": ["24x7 support", "cloud deployment"], "min_employees": 10,
     "target_customers": 5},
    {"id": "IPP-MFG", "name": "Manufacturing specialist, EMEA/APAC",
     "description": "Integrators and resellers focused on manufacturers.",
     "partner_types": ["SI", "VAR"], "industries": ["Manufacturing", "Logistics"],
     "regions": ["EMEA", "APAC"], "certifications": ["Helix Presales Engineer"],
     "capabilities": ["system integration"], "min_employees": 10, "max_employees": 2000},
    {"id": "IPP-ISV", "name": "Build-with ISV",
     "description": "Builds on Helix Connect and sells a joint offer.",
     "partner_types": ["ISV"], "industries": [], "regions": [],
     "certifications": ["Helix Integration Developer"],
     "capabilities": ["connectors", "custom development"], "target_customers": 3},
    {"id": "IPP-RES", "name": "Transactional reseller",
     "description": "Resells and fulfils to small and mid-sized companies.",
     "partner_types": ["VAR", "DISTRIBUTOR"], "industries": [], "regions": [],
     "certifications": ["Helix Sales Specialist"], "capabilities": ["licensing"],
     "min_employees": 5},
    {"id": "IPP-ADV", "name": "Advisory referral partner",
     "description": "Boutique advisors introducing enterprise accounts.",
     "partner_types": ["REFERRAL"], "industries": [], "regions": [], "certifications": [],
     "capabilities": ["executive introductions"], "max_employees": 50, "min_score": 40},
]

DAY = dt.timedelta(days=1)


def log(msg):
    print(f"[altworld] {msg}", file=sys.stderr, flush=True)


def rng(seed, part):
    return random.Random(f"altworld:{seed}:{part}")


def pick(r, items, weights):
    return r.choices(items, weights=weights, k=1)[0]


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def poisson(r, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(r.gauss(lam, math.sqrt(lam)))))
    L, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= L:
            return k
        k += 1


def iso(d):
    return d.isoformat()


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def at_time(r, d):
    """A datetime on day d at a working-hours time."""
    return dt.datetime(d.year, d.month, d.day, r.randint(7, 18), r.randint(0, 59),
                       r.randint(0, 59))


def slug(s):
    return "".join(c for c in s.lower() if c.isalnum())


def unique_ids(r, n, fmt, space):
    seen = set()
    out = []
    while len(out) < n:
        v = r.randrange(space)
        if v not in seen:
            seen.add(v)
            out.append(fmt(v))
    return out


B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def b32(v, n):
    s = []
    for _ in range(n):
        s.append(B32[v % 32])
        v //= 32
    return "".join(reversed(s))


# ---------------------------------------------------------------------------------------------
# The world


class World:
    def __init__(self, args):
        self.seed = args.seed
        self.n_partners = args.partners
        self.n_accounts = args.accounts
        self.start = dt.date.fromisoformat(args.start)
        self.years = args.years
        self.as_of = dt.date(self.start.year + self.years, self.start.month, self.start.day)
        self.window_days = (self.as_of - self.start).days
        self.domains = set()

    # --- companies ------------------------------------------------------------------------

    def company_name(self, r, industry, country, used):
        for attempt in range(6):
            root = r.choice(PREFIX) + r.choice(STEM)
            word = r.choice(INDUSTRY_WORDS[industry])
            style = r.random()
            if style < 0.55:
                base = f"{root} {word}"
            elif style < 0.75:
                base = root
            elif style < 0.9:
                base = f"{root} & {r.choice(LAST)}"
            else:
                base = f"{r.choice(LAST)} {word}"
            key = (base, country)
            if key not in used or attempt == 5:
                used.add(key)
                break
        if industry == "Public Sector":
            return base, base, root
        return base, f"{base} {r.choice(LEGAL[country])}", root

    def company_domain(self, r, base, root, country):
        tld = "com" if country == "US" or r.random() < 0.45 else COUNTRY[country][4]
        for cand in (slug(root), slug(base), slug(base) + country.lower()):
            d = f"{cand}.{tld}"
            if d not in self.domains:
                self.domains.add(d)
                return d
        n = 2
        while True:
            d = f"{slug(base)}{n}.{tld}"
            if d not in self.domains:
                self.domains.add(d)
                return d
            n += 1

    def make_accounts(self):
        r = rng(self.seed, "accounts")
        ids = unique_ids(r, self.n_accounts, lambda v: "ACC-" + b32(v, 7), 32 ** 7)
        used = set()
        reps = {reg: [f"{r.choice(FIRST)} {r.choice(LAST)}" for _ in range(
            max(3, int(self.n_accounts * w / 500)))] for reg, w in zip(REGIONS, REGION_W)}
        self.reps = reps
        by_region = {reg: [c for c in COUNTRIES if c[1] == reg] for reg in REGIONS}
        A = []
        for i in range(self.n_accounts):
            region = pick(r, REGIONS, REGION_W)
            cs = by_region[region]
            country = pick(r, cs, [c[2] for c in cs])[0]
            industry = pick(r, INDUSTRIES, INDUSTRY_W[region])
            seg = pick(r, SEGMENTS, SEG_W)
            if seg == "SMB":
                emp = int(math.exp(r.uniform(math.log(5), math.log(200))))
            elif seg == "MM":
                emp = int(math.exp(r.uniform(math.log(200), math.log(2000))))
            else:
                emp = min(400000, int(2000 * r.paretovariate(1.1)))
            base, name, root = self.company_name(r, industry, country, used)
            domain = self.company_domain(r, base, root, country) if r.random() > 0.03 else None
            revenue = round(emp * REV_PER_HEAD[industry] * 1000 * r.uniform(0.6, 1.6), -3)
            p_cust = {"SMB": 0.07, "MM": 0.18, "ENT": 0.38}[seg]
            u = r.random()
            if u < p_cust:
                rel = "customer"
            elif u < p_cust + 0.08:
                rel = "opportunity"
            elif u < p_cust + 0.08 + 0.40:
                rel = "prospect"
            else:
                rel = None
            owner = None
            if rel is not None and r.random() < 0.8:
                owner = {"kind": "direct", "rep": r.choice(reps[region])}
            A.append({"id": ids[i], "name": name, "base": base, "domain": domain,
                      "industry": industry, "country": country, "region": region,
                      "employees": max(1, emp), "revenue": revenue, "segment": seg,
                      "rel": rel, "owner": owner, "known": True})
        self.accounts = A
        # partners' prospects unknown to the vendor: a shared pool
        U = []
        for i in range(max(50, self.n_accounts // 10)):
            region = pick(r, REGIONS, REGION_W)
            cs = by_region[region]
            country = pick(r, cs, [c[2] for c in cs])[0]
            industry = pick(r, INDUSTRIES, INDUSTRY_W[region])
            base, name, root = self.company_name(r, industry, country, used)
            U.append({"id": None, "entity": f"X-{i + 1:06d}", "name": name, "base": base,
                      "domain": self.company_domain(r, base, root, country),
                      "industry": industry, "country": country, "region": region,
                      "segment": "SMB", "employees": 20, "known": False})
        self.unknown = U
        # buckets for fast sampling: (region, industry, segment) -> account indices
        self.bucket = {}
        for i, a in enumerate(A):
            self.bucket.setdefault((a["region"], a["industry"], a["segment"]), []).append(i)
        self.ubucket = {}
        for i, u in enumerate(U):
            self.ubucket.setdefault(u["region"], []).append(i)
        log(f"accounts: {len(A)} known, {len(U)} unknown to the vendor")

    # --- partners -------------------------------------------------------------------------

    def make_partners(self):
        r = rng(self.seed, "partners")
        n = self.n_partners
        ids = unique_ids(r, n, lambda v: f"PRT-{v:05x}", 16 ** 5)
        used = set()
        P = []
        for i in range(n):
            t = pick(r, TYPES, TYPE_W)
            home = pick(r, REGIONS, REGION_W)
            if t == "GSI":
                regions = list(REGIONS)
            elif t == "DISTRIBUTOR":
                regions = [home] + r.sample([x for x in REGIONS if x != home], r.randint(1, 2))
            else:
                regions = [home] + ([r.choice([x for x in REGIONS if x != home])]
                                    if r.random() < 0.10 else [])
            if t == "GSI":
                k = r.randint(5, 8)
            elif t == "DISTRIBUTOR":
                k = 0
            elif t in ("SI", "ISV", "REFERRAL"):
                k = pick(r, [1, 2, 3], [0.65, 0.25, 0.10])
            else:
                k = pick(r, [1, 2, 3], [0.35, 0.35, 0.30])
            inds = []
            while len(inds) < k:
                x = pick(r, INDUSTRIES, INDUSTRY_W[home])
                if x not in inds:
                    inds.append(x)
            base_emp = {"SI": 40, "MSP": 25, "VAR": 20, "REFERRAL": 3, "ISV": 30,
                        "DISTRIBUTOR": 800, "GSI": 40000}[t]
            emp = min(500000, max(1, int(base_emp * r.paretovariate(1.6))))
            cs = [c for c in COUNTRIES if c[1] == home]
            country = pick(r, cs, [c[2] for c in cs])[0]
            root = r.choice(PREFIX) + r.choice(STEM)
            name = f"{root} {r.choice(PARTNER_WORDS[t])}"
            while name in used:
                name = f"{root} {r.choice(PARTNER_WORDS[t])} {r.choice(['One', 'Pro', 'Plus', 'NextGen', home])}"
                root = r.choice(PREFIX) + r.choice(STEM)
            used.add(name)
            status = pick(r, ["active", "prospect", "applicant", "onboarding", "offboarded"],
                          [0.70, 0.06, 0.08, 0.06, 0.10])
            joined = offboarded = None
            if status in ("active", "offboarded"):
                if r.random() < 0.45:
                    joined = self.start - DAY * r.randint(30, 8 * 365)
                else:
                    joined = self.start + DAY * r.randint(0, self.window_days - 120)
            elif status == "onboarding":
                joined = self.as_of - DAY * r.randint(5, 100)
            if status == "offboarded":
                lo = max(self.start, joined + DAY * 180)
                if lo >= self.as_of - DAY * 30:
                    status = "active"
                else:
                    offboarded = lo + DAY * r.randint(0, (self.as_of - DAY * 30 - lo).days)
            c = r.gauss(0, 1)  # hidden capability
            z = r.gauss(0, 1)  # hidden conflict-proneness
            lam = {"SI": 2.2, "GSI": 6.0, "ISV": 1.5, "MSP": 2.0, "VAR": 1.2, "DISTRIBUTOR": 2.5,
                   "REFERRAL": 0.3}[t] * math.exp(0.55 * c)
            ncert = min(14, poisson(r, lam))
            certs = []
            first_day = joined if joined else self.as_of - DAY * 700
            first_day = max(first_day, self.as_of - DAY * 3 * 365)
            for _ in range(ncert):
                name_c = r.choice(CERTS)
                earned = first_day + DAY * r.randint(0, max(0, (self.as_of - first_day).days - 1))
                cert = {"name": name_c, "earned_on": iso(earned)}
                if r.random() < 0.7:
                    cert["expires_on"] = iso(earned + DAY * 730)
                certs.append(cert)
            certs.sort(key=lambda x: x["earned_on"])
            caps = r.sample(CAPS[t], r.randint(1, len(CAPS[t])))
            if t == "DISTRIBUTOR":
                prods = list(PRODUCTS)
            else:
                prods = sorted(r.sample(PRODUCTS, r.randint(2, 6)), key=PRODUCTS.index)
            uploads = t == "DISTRIBUTOR" or r.random() < (0.55 if status in ("active", "offboarded", "onboarding") else 0.5)
            P.append({"id": ids[i], "name": name, "type": t, "home": home, "regions": regions,
                      "industries": inds, "employees": emp, "country": country,
                      "domain": f"{slug(root)}.{'com' if r.random() < 0.6 else COUNTRY[country][4]}",
                      "status": status, "joined": joined, "offboarded": offboarded, "c": c,
                      "z": z, "certs": certs, "caps": caps, "products": prods,
                      "uploads": uploads, "ix": i})
        # tiers: a program score of size and certifications, ranked
        scored = sorted((p for p in P if p["status"] not in ("prospect", "applicant")),
                        key=lambda p: -(math.log1p(p["employees"]) * 0.5 + len(p["certs"]) * 0.6
                                        + r.gauss(0, 1.0)))
        for k, p in enumerate(scored):
            q = k / max(1, len(scored))
            p["tier"] = "platinum" if q < 0.03 else "gold" if q < 0.15 else "silver" if q < 0.45 else "registered"
        for p in P:
            p.setdefault("tier", "registered")
        self.partners = P
        self.pix = {p["id"]: p for p in P}
        log(f"partners: {n} ({sum(p['uploads'] for p in P)} upload an account list)")

    # --- books: who knows which account -------------------------------------------------

    def make_books(self):
        r = rng(self.seed, "books")
        M = self.n_accounts
        P = self.partners
        msps = [p for p in P if p["type"] == "MSP"]
        hubs = set(p["id"] for p in r.sample(msps, max(1, len(msps) // 40))) if msps else set()
        raw = {}
        fixed = {}
        for p in P:
            t = p["type"]
            if t == "DISTRIBUTOR":
                fixed[p["id"]] = int(0.025 * M * r.uniform(0.6, 1.4))
            elif p["id"] in hubs:
                fixed[p["id"]] = int(0.012 * M * r.uniform(0.7, 1.3))
            else:
                f = {"GSI": 20, "SI": 1.2, "VAR": 1.5, "MSP": 1.3, "ISV": 0.8, "REFERRAL": 0.5}[t]
                s = 6 * r.paretovariate(1.2) * f * (1 + 0.3 * math.log10(p["employees"] + 1))
                if p["status"] in ("prospect", "applicant"):
                    s *= 0.5
                raw[p["id"]] = s
        target = 1.8 * M - sum(fixed.values())
        scale = max(0.2, target / max(1.0, sum(raw.values())))
        size = dict(fixed)
        for k, v in raw.items():
            size[k] = max(3, min(int(0.01 * M), int(v * scale)))
        self.hubs = hubs
        books = {}
        for p in P:
            n = size[p["id"]]
            t = p["type"]
            seen = {}
            tries = 0
            while len(seen) < n and tries < n * 4:
                tries += 1
                region = p["home"] if (len(p["regions"]) == 1 or r.random() < 0.8) else r.choice(p["regions"])
                if r.random() < 0.08:
                    pool = self.ubucket.get(region)
                    if pool:
                        key = ("U", r.choice(pool))
                        if key not in seen:
                            seen[key] = None
                    continue
                if p["industries"] and r.random() < 0.85:
                    ind = r.choice(p["industries"])
                else:
                    ind = pick(r, INDUSTRIES, INDUSTRY_W[region])
                seg = pick(r, SEGMENTS, SEG_PREF[t])
                pool = self.bucket.get((region, ind, seg))
                if not pool:
                    continue
                key = ("A", r.choice(pool))
                if key in seen:
                    continue
                a = self.accounts[key[1]]
                pc = CUSTOMER_SHARE[t] * (1.3 if a["rel"] == "customer" else 1.0)
                u = r.random()
                seen[key] = "customer" if u < pc else "opportunity" if u < pc + 0.15 else "prospect"
            rows = []
            for (kind, ix), rel in seen.items():
                if kind == "U":
                    rel = "prospect" if r.random() < 0.8 else "opportunity"
                rows.append((kind, ix, rel))
            books[p["id"]] = rows
        self.books = books
        # per account: partners whose book holds it; and who lists it as a customer on an upload
        self.book_of_account = {}
        self.listed_customer = {}
        self.listed_any = {}
        for p in P:
            for kind, ix, rel in books[p["id"]]:
                if kind != "A":
                    continue
                self.book_of_account.setdefault(ix, []).append((p["id"], rel))
                if p["uploads"]:
                    self.listed_any.setdefault(ix, set()).add(p["id"])
                    if rel == "customer":
                        self.listed_customer.setdefault(ix, set()).add(p["id"])
        # partner-owned accounts: an MSP that serves the account runs it for the vendor
        for ix, lst in self.book_of_account.items():
            a = self.accounts[ix]
            if a["segment"] == "ENT":
                continue
            msp = [pid for pid, rel in lst if rel == "customer" and self.pix[pid]["type"] == "MSP"
                   and self.pix[pid]["status"] == "active"]
            if msp and r.random() < 0.25:
                a["owner"] = {"kind": "partner", "partner_id": msp[0]}
        # target-customer overlap (true, whether uploaded or not)
        for p in P:
            p["book_size"] = len(books[p["id"]])
            p["target_customers"] = sum(1 for kind, ix, rel in books[p["id"]]
                                        if kind == "A" and rel == "customer"
                                        and self.accounts[ix]["rel"] in ("prospect", "opportunity"))
        rows = sum(len(v) for v in books.values())
        log(f"books: {rows} rows ({sum(len(books[p['id']]) for p in P if p['uploads'])} uploaded), "
            f"{len(hubs)} MSP hubs")

    # --- activation, allies ---------------------------------------------------------------

    def make_programs(self):
        r = rng(self.seed, "programs")
        for p in self.partners:
            p["activation"] = None
            p["ramp_days"] = None
            if p["joined"] is None or p["status"] in ("prospect", "applicant"):
                continue
            # Time to first revenue: the ramp's mean falls with certifications held and with
            # customers the partner already has among the vendor's targets.
            mean = 420 * math.exp(-0.28 * len(p["certs"]) - 0.55 * math.log1p(p["target_customers"])
                                  + r.gauss(0, 0.35))
            ramp = int(r.expovariate(1.0 / max(10.0, mean)))
            p["ramp_days"] = ramp
            p["activation"] = p["joined"] + DAY * ramp
        # allies: each partner co-sells with a few others of complementary types, chosen by
        # industry specialisation and region, with preferential attachment to big partners
        pool = {}
        for p in self.partners:
            if p["status"] in ("prospect", "applicant"):
                continue
            for reg in p["regions"]:
                for ind in (p["industries"] or ["*"]):
                    pool.setdefault((reg, ind), []).append(p)
        self.spec_pool = pool
        self.allies = {}
        for p in self.partners:
            if p["status"] in ("prospect", "applicant"):
                continue
            cands = []
            for ind in (p["industries"] or INDUSTRIES[:3]):
                cands += [q for q in pool.get((p["home"], ind), []) if q["id"] != p["id"]
                          and (q["type"] != p["type"] or p["type"] == "SI")
                          and q["type"] != "DISTRIBUTOR"]
            seen_c = set()
            cands = [q for q in cands if not (q["id"] in seen_c or seen_c.add(q["id"]))]
            k = r.randint(2, 5)
            allies = []
            if cands:
                w = [q["employees"] ** 0.2 for q in cands]
                for _ in range(k * 3):
                    q = pick(r, cands, w)
                    if q["id"] not in allies:
                        allies.append(q["id"])
                    if len(allies) >= k:
                        break
            self.allies[p["id"]] = allies
        # each reseller/MSP buys through one or two distributors of its region (preferential)
        self.dist_of = {}
        dists = [p for p in self.partners if p["type"] == "DISTRIBUTOR"
                 and p["status"] not in ("prospect", "applicant")]
        for p in self.partners:
            if p["type"] in ("VAR", "MSP"):
                ds = [d for d in dists if p["home"] in d["regions"]]
                if ds:
                    w = [d["employees"] ** 0.5 for d in ds]
                    self.dist_of[p["id"]] = sorted({pick(r, ds, w)["id"] for _ in range(r.randint(1, 2))})

    def active(self, p, day):
        a = p["activation"]
        if a is None or day < a:
            return False
        off = p["offboarded"]
        return off is None or day < off

    # --- deals ----------------------------------------------------------------------------

    def make_deals(self):
        r = rng(self.seed, "deals")
        M = self.n_accounts
        P = self.partners
        events = []
        # partner-sourced deals: a Poisson process per partner from its activation
        base = {"SI": 2.0, "GSI": 5, "ISV": 0.8, "MSP": 2.5, "VAR": 3.0, "DISTRIBUTOR": 0,
                "REFERRAL": 1.0}
        rates = {}
        for p in P:
            if p["activation"] is None:
                continue
            lo = max(self.start, p["activation"])
            hi = min(self.as_of, p["offboarded"] or self.as_of)
            if hi <= lo:
                continue
            known = sum(1 for kind, _, _ in self.books[p["id"]] if kind == "A")
            if known == 0:
                continue
            rates[p["id"]] = (base[p["type"]] * (p["book_size"] / 20) ** 0.4 * math.exp(0.3 * p["c"]),
                              lo, hi)
        exp_total = sum(v[0] * (v[2] - v[1]).days / 365 for v in rates.values())
        scale = 0.40 * M / max(1.0, exp_total)
        for pid, (rate, lo, hi) in rates.items():
            p = self.pix[pid]
            span = (hi - lo).days
            n = poisson(r, rate * scale * span / 365)
            days = sorted(r.randint(0, span - 1) for _ in range(n))
            first = p["activation"] >= self.start and p["activation"] < self.as_of
            if first:
                days = [0] + days  # the first deal comes at activation
            for k, d in enumerate(days):
                events.append((lo + DAY * d, 0, pid, first and k == 0))
        # direct deals: the vendor's own team, skewed to its customers and big accounts
        wts = []
        for a in self.accounts:
            w = {"customer": 3, "opportunity": 2, "prospect": 1, None: 0.15}[a["rel"]]
            w *= {"SMB": 1, "MM": 3, "ENT": 8}[a["segment"]]
            wts.append(w)
        n_direct = int(0.12 * M)
        cum = list(accumulate(wts))
        for _ in range(n_direct):
            ix = bisect.bisect_right(cum, r.random() * cum[-1])
            events.append((self.start + DAY * r.randint(0, self.window_days - 1), 1, ix, False))
        events.sort(key=lambda e: (e[0], e[1], str(e[2])))
        log(f"deals: {len(events)} to create ({n_direct} direct)")

        deals = []
        self.deals_of_account = {}
        sourced_accounts = {}
        cosell = {}
        open_direct = {}  # account -> list of deal indices (for the chase mechanism)
        for k, (day, kind, who, first) in enumerate(events):
            if kind == 1:
                a_ix = who
                d = self.new_deal(r, day, a_ix, None, [])
                deals.append(d)
                open_direct.setdefault(a_ix, []).append(d)
                self.deals_of_account.setdefault(a_ix, []).append(d)
                continue
            p = self.pix[who]
            book = [(ix, rel) for kind2, ix, rel in self.books[who] if kind2 == "A"]
            prev = sourced_accounts.get(who, [])
            if first:
                cust = [ix for ix, rel in book if rel == "customer"]
                a_ix = r.choice(cust) if cust else r.choice(book)[0]
            elif prev and r.random() < 0.35:
                a_ix = r.choice(prev)
            else:
                # partners chase the vendor's visible pipeline: 1 in 8 deals is opened on a
                # book account where the direct team is already working
                a_ix = None
                if r.random() < 0.25:
                    hot = [ix for ix, _ in r.sample(book, min(60, len(book)))
                           if any(x["close"] > day for x in open_direct.get(ix, ()))]
                    if hot:
                        a_ix = r.choice(hot)
                if a_ix is None:
                    w = [{"customer": 3, "opportunity": 4, "prospect": 1}[rel] for _, rel in book]
                    a_ix = pick(r, book, w)[0]
            sourced_accounts.setdefault(who, []).append(a_ix)
            a = self.accounts[a_ix]
            # co-sellers: allies (reinforced by past co-selling), industry specialists of the
            # account's region, and the reseller's distributor
            n_co = {"SMB": pick(r, [0, 1], [0.6, 0.4]), "MM": pick(r, [0, 1, 2], [0.3, 0.45, 0.25]),
                    "ENT": pick(r, [1, 2, 3, 4], [0.3, 0.35, 0.2, 0.15])}[a["segment"]]
            parts = [(who, "sourcing")]
            names = {who}
            if p["type"] in ("VAR", "MSP") and self.dist_of.get(who) and r.random() < 0.55:
                dd = self.pix[r.choice(self.dist_of[who])]
                if self.active(dd, day):
                    parts.append((dd["id"], "transacting"))
                    names.add(dd["id"])
            for _ in range(n_co):
                cands, w = [], []
                for q in self.allies.get(who, []):
                    qq = self.pix[q]
                    if q not in names and self.active(qq, day):
                        cands.append(qq)
                        w.append(2.0 + 2.0 * min(cosell.get((who, q), 0), 5))
                spec = self.spec_pool.get((a["region"], a["industry"]), [])
                for qq in (r.sample(spec, min(6, len(spec))) if spec else []):
                    if qq["id"] not in names and qq["type"] != "DISTRIBUTOR" and self.active(qq, day):
                        cands.append(qq)
                        w.append(1.2 / max(1, len(qq["industries"])))
                if not cands:
                    break
                qq = pick(r, cands, w)
                names.add(qq["id"])
                parts.append((qq["id"], ROLE_OF[qq["type"]]))
            for q, _ in parts[1:]:
                cosell[(who, q)] = cosell.get((who, q), 0) + 1
                cosell[(q, who)] = cosell.get((q, who), 0) + 1
            d = self.new_deal(r, day, a_ix, p, parts)
            d["first"] = first
            d["repeat"] = a_ix in prev
            deals.append(d)
            self.deals_of_account.setdefault(a_ix, []).append(d)
            if (k + 1) % 20000 == 0:
                log(f"deals: {k + 1}/{len(events)}")
        # ids in order of creation, by year
        per_year = {}
        for d in deals:
            y = d["created"].year
            per_year[y] = per_year.get(y, 0) + 1
            d["id"] = f"OPP-{y}-{per_year[y]:06d}"
        self.deals = deals
        for lst in self.deals_of_account.values():
            lst.sort(key=lambda d: d["created"])

    def new_deal(self, r, day, a_ix, sourcer, parts):
        a = self.accounts[a_ix]
        med = {"SMB": 40, "MM": 90, "ENT": 170}[a["segment"]]
        cycle = max(21, int(med * math.exp(r.gauss(0, 0.45))))
        if sourcer is not None:
            allowed = sourcer["products"]
            k = min(len(allowed), pick(r, [1, 2, 3], [0.6, 0.3, 0.1]))
            prods = r.sample(allowed, k) if r.random() < 0.97 else r.sample(PRODUCTS, k)
        else:
            prods = r.sample(PRODUCTS, pick(r, [1, 2, 3], [0.5, 0.35, 0.15]))
        usd = {"SMB": 8000, "MM": 45000, "ENT": 220000}[a["segment"]] * math.exp(r.gauss(0, 0.6)) \
            * (0.8 + 0.2 * len(prods))
        usd = max(1000.0, round(usd, -2))
        cur = "USD"
        c = COUNTRY[a["country"]]
        if a["country"] != "US" and r.random() < 0.35:
            cur = c[3]
        amount = usd if cur == "USD" else round(usd * c[5], -2)
        return {"account": a_ix, "created": day, "close": day + DAY * cycle, "cycle": cycle,
                "products": prods, "usd": usd, "amount": max(100.0, amount), "currency": cur,
                "parts": parts, "direct": sourcer is None,
                "owner": (a["owner"]["rep"] if a["owner"] and a["owner"]["kind"] == "direct"
                          else r.choice(self.reps[a["region"]])),
                "owner_on_partner_deal": r.random() < 0.6, "first": False, "repeat": False,
                "outcome": None, "disputed": False}

    # --- touchpoints ----------------------------------------------------------------------

    def make_touchpoints(self):
        r = rng(self.seed, "touchpoints")
        T = []
        for d in self.deals:
            if d["direct"]:
                continue
            for pid, role in d["parts"]:
                p = self.pix[pid]
                if role == "sourcing":
                    kind = "referral" if p["type"] == "REFERRAL" else "intro"
                    self.touch(T, r, p, d["account"], d, kind, d["created"] - DAY * r.randint(5, 40))
                    if r.random() < 0.6:
                        self.touch(T, r, p, d["account"], d, "demo",
                                   d["created"] + DAY * r.randint(3, max(4, d["cycle"] // 2)))
                elif role == "referral":
                    self.touch(T, r, p, d["account"], d, "referral", d["created"] - DAY * r.randint(0, 30))
                elif role == "influencing":
                    self.touch(T, r, p, d["account"], d, r.choice(["demo", "co_marketing_event"]),
                               d["created"] + DAY * r.randint(0, d["cycle"]))
                elif role == "services":
                    if r.random() < 0.7:
                        self.touch(T, r, p, d["account"], d, "technical_validation",
                                   d["created"] + DAY * r.randint(10, max(11, d["cycle"])))
                elif role == "transacting":
                    u = r.random()
                    if u < 0.2:
                        self.touch(T, r, p, d["account"], d, "mdf_campaign",
                                   d["created"] + DAY * r.randint(0, 30),
                                   notes=f"MDF spend {r.randint(20, 300) * 100} USD")
                    elif u < 0.5:
                        self.touch(T, r, p, d["account"], d, "demo",
                                   d["created"] + DAY * r.randint(0, d["cycle"]))
        # on the account only: customers get services (whether or not the list is uploaded),
        # opportunities an intro or demo, prospects now and then a co-marketing event
        for p in self.partners:
            if p["activation"] is None:
                continue
            lo = max(self.start, p["joined"])
            hi = min(self.as_of, p["offboarded"] or self.as_of)
            span = (hi - lo).days
            if span <= 0:
                continue
            for kind, ix, rel in self.books[p["id"]]:
                if kind != "A":
                    continue
                if rel == "customer" and r.random() < 0.3:
                    for _ in range(poisson(r, 2.0 * span / 365)):
                        self.touch(T, r, p, ix, None, "services_delivery", lo + DAY * r.randint(0, span - 1))
                elif rel == "opportunity" and r.random() < 0.15:
                    self.touch(T, r, p, ix, None, r.choice(["intro", "demo"]), lo + DAY * r.randint(0, span - 1))
                elif rel == "prospect" and r.random() < 0.05:
                    self.touch(T, r, p, ix, None, "co_marketing_event", lo + DAY * r.randint(0, span - 1))
        self.touches = T
        self.touch_index = {}
        for t in T:
            self.touch_index.setdefault(t["account"], []).append(t)
        for lst in self.touch_index.values():
            lst.sort(key=lambda t: t["at"])
        log(f"touchpoints: {len(T)} before outcomes")

    def touch(self, T, r, p, a_ix, deal, kind, day, notes=None):
        lo = max(p["joined"] or self.start, self.start - DAY * 60)
        hi = min(self.as_of - DAY, (p["offboarded"] or self.as_of) - DAY)
        if day < lo:
            day = lo
        if day > hi or hi < lo:
            return None
        t = {"partner": p["id"], "account": a_ix, "deal": deal, "kind": kind,
             "at": at_time(r, day), "notes": notes}
        T.append(t)
        return t

    # --- registrations, disputes and outcomes -------------------------------------------------

    def facts(self, reg_p, d, t):
        """What the store knows about the account just before t, as this world reads it."""
        a_ix = d["account"]
        day = t.date()
        in_deal = {pid for pid, _ in d["parts"]}
        f = {"direct_same": 0, "direct_other": 0, "services_other": 0, "won_other": 0,
             "listed_other": 0, "active_others": 0, "registrant_incumbent": 0}
        for x in self.deals_of_account.get(a_ix, ()):
            if x["created"] >= day:
                break
            if x is d:
                continue
            closed_before = x["outcome"] in ("won", "lost") and x["close"] < day
            if x["direct"] and not closed_before:
                if set(x["products"]) & set(d["products"]):
                    f["direct_same"] = 1
                else:
                    f["direct_other"] = 1
            if x["outcome"] == "won" and x["close"] < day and (day - x["close"]).days <= 365:
                winners = {pid for pid, _ in x["parts"]}
                if reg_p in winners:
                    f["registrant_incumbent"] = 1
                if winners - in_deal - {reg_p}:
                    f["won_other"] = 1
        lc = self.listed_customer.get(a_ix, set())
        if reg_p in lc:
            f["registrant_incumbent"] = 1
        if lc - in_deal - {reg_p}:
            f["listed_other"] = 1
        active = set()
        for tp in reversed(self.touch_index.get(a_ix, ())):
            if tp["at"] >= t:
                continue
            age = (t - tp["at"]).days
            if age > 365:
                break
            if tp["partner"] == reg_p or tp["partner"] in in_deal:
                continue
            if tp["kind"] == "services_delivery" and age <= 180:
                f["services_other"] = 1
            if age <= 60:
                active.add(tp["partner"])
        f["active_others"] = len(active)
        return f

    def make_registrations(self):
        r = rng(self.seed, "registrations")
        regs = []
        prior = {}  # partner -> [registrations, disputes]
        terms_log = []
        post = []
        b0 = -4.75
        for k, d in enumerate(self.deals):
            a = self.accounts[d["account"]]
            if d["direct"]:
                self.decide_outcome(r, d, None)
                continue
            sp = self.pix[d["parts"][0][0]]
            reg = None
            p_reg = 0.5 if sp["type"] == "REFERRAL" else 0.82
            if r.random() < p_reg:
                lag = r.expovariate(1 / 3.0)
                t = at_time(r, d["created"]) + dt.timedelta(days=lag)
                if t.date() < d["close"] and t.date() < self.as_of:
                    reg = self.register(r, regs, d, sp, t, prior, b0, terms_log)
            self.decide_outcome(r, d, reg)
            # rare duplicate: a partner that knows the account registers the same deal later
            if reg is not None and r.random() < 0.006:
                others = [pid for pid, _ in self.book_of_account.get(d["account"], ())
                          if pid not in {x for x, _ in d["parts"]}]
                others = [o for o in others if self.active(self.pix[o], d["created"])]
                if others:
                    o = self.pix[r.choice(others)]
                    t2 = reg["t"] + dt.timedelta(days=r.uniform(2, 40))
                    if t2.date() < min(d["close"], self.as_of):
                        self.register(r, regs, d, o, t2, prior, b0, terms_log, duplicate_of=sp["id"])
            # after a win, services partners deliver (the next registrations see it)
            if d["outcome"] == "won":
                for pid, role in d["parts"]:
                    if role in ("services", "sourcing") and self.pix[pid]["type"] in ("SI", "GSI", "MSP"):
                        t = self.touch(self.touches, r, self.pix[pid], d["account"], d,
                                       "services_delivery", d["close"] + DAY * r.randint(5, 60))
                        if t is not None:
                            bisect.insort(self.touch_index.setdefault(d["account"], []), t,
                                          key=lambda x: x["at"])
            if (k + 1) % 20000 == 0:
                log(f"registrations: deal {k + 1}/{len(self.deals)}")
        regs.sort(key=lambda x: x["t"])
        for i, x in enumerate(regs):
            x["id"] = f"DR-{x['t'].year % 100:02d}{i + 1:06d}"
        self.regs = regs
        n = max(1, len(terms_log))
        for key in ("direct_same", "direct_other", "services_other", "won_other", "listed_other",
                    "active_others", "registrant_incumbent"):
            on = [dsp for dsp, f, _ in terms_log if f[key]]
            log(f"registrations: {key:<20} on {len(on) / n:6.1%}  disputed {sum(on) / max(1, len(on)):6.1%}")
        log(f"registrations: {len(regs)}, disputed {sum(g['disputed'] for g in regs) / max(1, len(regs)):.1%}")

    def register(self, r, regs, d, p, t, prior, b0, terms_log, duplicate_of=None):
        f = self.facts(p["id"], d, t)
        pr = prior.setdefault(p["id"], [0, 0])
        lg_amt = math.log10(d["usd"]) - 4.5
        terms = {
            "direct_pipeline": 2.4 * f["direct_same"] + 1.0 * f["direct_other"],
            "incumbent_services": 1.3 * f["services_other"],
            "incumbent_won": 0.8 * f["won_other"],
            "incumbent_listed": 0.5 * f["listed_other"],
            "other_activity": 0.45 * min(f["active_others"], 3),
            "deal_size": 0.35 * lg_amt,
            "registrant_history": 0.5 * min(pr[1], 4) + 0.6 * p["z"],
            "registrant_incumbent": -1.0 * f["registrant_incumbent"],
            "duplicate_registration": 2.6 if duplicate_of else 0.0,
        }
        logit = b0 + sum(terms.values()) + r.gauss(0, 0.5)
        prob = sigmoid(logit)
        disputed = r.random() < prob
        unauthorised = [x for x in d["products"] if x not in p["products"]]
        rejected_unauth = bool(unauthorised) and not disputed and r.random() < 0.7
        cause = None
        if disputed:
            # the cause named is the largest structural term; else the registrant's own record
            pos = {k: v for k, v in terms.items()
                   if v >= 0.45 and k not in ("deal_size", "registrant_history")}
            cause = max(pos, key=pos.get) if pos else \
                "registrant_history" if terms["registrant_history"] > 0 else "noise"
            other = None
            if cause == "direct_pipeline":
                other = "direct"
            elif cause == "duplicate_registration":
                other = duplicate_of
        elif rejected_unauth:
            cause, other = "unauthorised_product", None
        x = {"t": t, "deal": d, "partner": p["id"], "disputed": disputed,
             "rejected": rejected_unauth, "cause": cause,
             "other": other if cause else None, "p": prob, "facts": f,
             "duplicate": duplicate_of is not None}
        pr[0] += 1
        if disputed:
            pr[1] += 1
            d["disputed"] = True
        terms_log.append((disputed, f, terms))
        regs.append(x)
        return x

    def decide_outcome(self, r, d, reg):
        a = self.accounts[d["account"]]
        if d["direct"]:
            lg = -0.5 + 0.5 * (a["rel"] == "customer")
        else:
            sp = self.pix[d["parts"][0][0]]
            lg = (-0.2 + 0.5 * sp["c"] + 0.4 * d["repeat"] + 0.3 * (a["rel"] == "customer")
                  - 0.9 * d["disputed"] + 0.2 * any(ro == "services" for _, ro in d["parts"])
                  - 0.3 * (len(d["parts"]) > 3) + 1.0 * d["first"]
                  - 0.8 * bool(reg and reg["rejected"]))
        won = r.random() < sigmoid(lg)
        if d["close"] < self.as_of:
            d["outcome"] = "won" if won else "lost"
        else:
            d["outcome"] = "open"

    # --- plays ----------------------------------------------------------------------------

    def make_play_runs(self):
        r = rng(self.seed, "plays")
        runs = []
        effect = {}
        for p in self.partners:
            if p["joined"] is None or p["status"] not in ("active", "offboarded"):
                continue
            effect[p["id"]] = r.gauss(0, 0.9)
        for p in self.partners:
            if p["id"] not in effect:
                continue
            lo = max(self.start, p["joined"])
            hi = min(self.as_of, p["offboarded"] or self.as_of)
            span = (hi - lo).days
            if span < 30:
                continue
            rate = {"SI": 1.2, "MSP": 1.5, "VAR": 1.0, "REFERRAL": 0.6, "ISV": 1.4,
                    "DISTRIBUTOR": 2.0, "GSI": 3.0}[p["type"]] * math.exp(r.gauss(0, 0.8))
            n = min(30, poisson(r, rate * span / 365))
            starts = sorted(lo + DAY * r.randint(0, span - 1) for _ in range(n))
            history = []  # (ended_on, play index, succeeded)
            listed = [(ix, rel) for kind, ix, rel in self.books[p["id"]]
                      if kind == "A" and p["uploads"] and rel in ("customer", "opportunity")]
            for s in starts:
                w = []
                for j, pl in enumerate(PLAYS):
                    declared = p["type"] in pl[2]
                    succ = sum(1 for e, jj, ok in history if jj == j and e < s and ok)
                    fail = sum(1 for e, jj, ok in history if jj == j and e < s and not ok)
                    w.append(pl[5] * math.exp(1.0 * declared + 1.2 * min(succ, 3) - 0.5 * min(fail, 3)))
                j = pick(r, range(len(PLAYS)), w)
                pl = PLAYS[j]
                motion = pl[1]
                length = max(7, min(365, int(MOTION_DAYS[motion] * math.exp(r.gauss(0, 0.35)))))
                end = s + DAY * length
                if p["offboarded"] and end >= p["offboarded"]:
                    continue
                ind_match = (not pl[3]) or any(x in pl[3] for x in p["industries"])
                te = TYPE_MOTION[p["type"]][MOTIONS.index(motion)]
                lg = (-0.6 + te + 0.35 * (math.log10(p["employees"] + 1) - 1.8)
                      + 0.4 * (1 if (pl[3] and ind_match) else 0) - 0.3 * (1 if (pl[3] and not ind_match) else 0)
                      + effect[p["id"]])
                prob = sigmoid(lg + r.gauss(0, 0.3))
                ok = r.random() < prob
                acct = None
                if motion in ("co_sell_account_plan", "msp_migration_offer") and listed:
                    acct = self.accounts[r.choice(listed)[0]]["id"]
                elif motion == "marketplace_private_offer" and listed and r.random() < 0.5:
                    acct = self.accounts[r.choice(listed)[0]]["id"]
                run = {"partner_id": p["id"], "play_id": f"PLY-{chr(65 + j)}", "started_on": iso(s)}
                if acct:
                    run["account_id"] = acct
                if end < self.as_of:
                    run["ended_on"] = iso(end)
                    pipe = MOTION_PIPE[motion] * math.exp(r.gauss(0, 0.5)) if ok else 0.0
                    run["pipeline_amount"] = round(pipe, -2)
                    run["currency"] = "USD"
                    run["succeeded"] = ok
                    history.append((end, j, ok))
                runs.append((s, run, {"partner_id": p["id"], "play_id": run["play_id"],
                                      "type_motion_effect": te,
                                      "partner_effect": round(effect[p["id"]], 4),
                                      "success_probability": round(prob, 4)}))
        runs.sort(key=lambda x: (x[0], x[1]["partner_id"], x[1]["play_id"]))
        self.runs = runs
        log(f"play runs: {len(runs)}")

    # --- writing --------------------------------------------------------------------------

    def write(self, out):
        os.makedirs(os.path.join(out, "partner_accounts"), exist_ok=True)
        os.makedirs(os.path.join(out, "truth"), exist_ok=True)
        r = rng(self.seed, "exports")

        def nd(name, rows):
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                for x in rows:
                    f.write(json.dumps(x, ensure_ascii=False, separators=(",", ":")) + "\n")

        # partners
        prow = []
        for p in sorted(self.partners, key=lambda p: p["id"]):
            x = {"id": p["id"], "name": p["name"], "type": p["type"], "tier": p["tier"],
                 "status": p["status"], "regions": p["regions"], "industries": p["industries"],
                 "certifications": p["certs"], "capabilities": p["caps"], "products": p["products"],
                 "employees": p["employees"], "domain": p["domain"], "country": p["country"]}
            if p["joined"] and p["status"] not in ("prospect", "applicant"):
                x["joined_on"] = iso(p["joined"])
                x["annual_program_cost"] = round({"registered": 1500, "silver": 8000, "gold": 30000,
                                                  "platinum": 120000}[p["tier"]] * r.uniform(0.7, 1.4), -2)
            lv = lambda: pick(r, ["records", "counts", "hidden"], [0.5, 0.35, 0.15])
            x["sharing"] = {"customers": lv(), "prospects": lv(), "opportunities": lv()}
            prow.append(x)
        nd("partners.ndjson", prow)
        # accounts
        arow = []
        for a in self.accounts:
            x = {"id": a["id"], "name": a["name"]}
            if a["domain"]:
                x["domain"] = a["domain"]
            x.update({"industry": a["industry"], "country": a["country"], "region": a["region"],
                      "employees": a["employees"], "annual_revenue": a["revenue"]})
            if a["owner"]:
                x["owner"] = a["owner"]
            if a["rel"]:
                x["vendor_relation"] = a["rel"]
            arow.append(x)
        nd("accounts.ndjson", arow)
        log("wrote partners and accounts")
        # account lists
        header = ["id", "relation", "name", "domain", "website", "email", "phone", "address",
                  "city", "region", "postal_code", "country", "industry"]
        ident = []
        n_records = 0
        for p in self.partners:
            style = pick(r, ["sf", "num", "cust"], [0.45, 0.30, 0.25])
            with open(os.path.join(out, "partner_accounts", p["id"] + ".csv"), "w",
                      newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(header)
                if not p["uploads"]:
                    continue
                rows = list(self.books[p["id"]])
                r.shuffle(rows)
                for k, (kind, ix, rel) in enumerate(rows):
                    c = self.accounts[ix] if kind == "A" else self.unknown[ix]
                    rid = {"sf": lambda: "001" + b32(r.getrandbits(60), 12),
                           "num": lambda: str(100000 + k * 7 + r.randint(0, 6)),
                           "cust": lambda: f"CUST-{k + 1:05d}"}[style]()
                    w.writerow(self.export_row(r, c, rid, rel, p))
                    ident.append((p["id"], rid, c["id"] or "", c["id"] or c["entity"]))
                    n_records += 1
        with open(os.path.join(out, "truth", "account_identity.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["partner_id", "record_id", "account_id", "true_entity"])
            w.writerows(ident)
        self.n_records = n_records
        log(f"wrote {n_records} account-list rows")
        # deals
        drow = []
        for d in self.deals:
            a = self.accounts[d["account"]]
            x = {"id": d["id"], "account_id": a["id"],
                 "name": f"{a['base']} - {d['products'][0]}", "amount": d["amount"],
                 "currency": d["currency"], "stage": self.stage(d), "products": d["products"],
                 "created_on": iso(d["created"]), "close_date": iso(d["close"])}
            if d["direct"] or d["owner_on_partner_deal"]:
                x["direct_owner"] = d["owner"]
            parts = []
            for pid, role in d["parts"]:
                parts.append({"partner_id": pid, "role": role})
            if parts:
                x["partners"] = parts
            d["json"] = x
            drow.append(x)
        for g in self.regs:
            if g["duplicate"]:
                continue
            for q in g["deal"]["json"].get("partners", []):
                if q["partner_id"] == g["partner"]:
                    q["registered_at"] = ts(g["t"])
        nd("deals.ndjson", drow)
        # touchpoints
        self.touches.sort(key=lambda t: t["at"])
        trow = []
        for i, t in enumerate(self.touches):
            x = {"id": f"TP-{(i * 2654435761 + 12345) % 2 ** 32:08x}", "partner_id": t["partner"],
                 "account_id": self.accounts[t["account"]]["id"]}
            if t["deal"] is not None:
                x["deal_id"] = t["deal"]["id"]
            x["kind"] = t["kind"]
            x["occurred_at"] = ts(t["at"])
            if t["notes"]:
                x["notes"] = t["notes"]
            trow.append(x)
        nd("touchpoints.ndjson", trow)
        log(f"wrote {len(drow)} deals, {len(trow)} touchpoints")
        # registrations
        rrow, disputes = [], []
        for g in self.regs:
            d = g["deal"]
            x = {"id": g["id"], "partner_id": g["partner"],
                 "account_id": self.accounts[d["account"]]["id"], "deal_id": d["id"],
                 "products": d["products"], "amount": d["amount"], "currency": d["currency"]}
            if r.random() < 0.9:
                x["expected_close_date"] = iso(d["close"])
            co = [{"partner_id": pid, "role": role} for pid, role in d["parts"] if pid != g["partner"]]
            if co and r.random() < 0.8:
                x["partners"] = co
            x["registered_at"] = ts(g["t"])
            x["decisions"] = self.decisions(r, g)
            rrow.append(x)
            if g["cause"]:
                disputes.append({"registration_id": g["id"], "deal_id": d["id"], "cause": g["cause"],
                                 "other_party": g["other"], "probability": round(g["p"], 4),
                                 "facts": g["facts"]})
        nd("registrations.ndjson", rrow)
        nd("truth/disputes.ndjson", disputes)
        # plays, runs, ipps
        nd("plays.ndjson", [{"id": f"PLY-{chr(65 + j)}", "name": pl[0], "motion": pl[1],
                             "description": pl[6], "partner_types": pl[2], "industries": pl[3],
                             "regions": pl[4]} for j, pl in enumerate(PLAYS)])
        ids = [f"PLR-{i + 1:06d}" for i in range(len(self.runs))]
        nd("play_runs.ndjson", [dict({"id": i}, **run) for i, (_, run, _) in zip(ids, self.runs)])
        nd("truth/play_fit.ndjson", [dict({"run_id": i}, **tr) for i, (_, _, tr) in zip(ids, self.runs)])
        nd("ipps.ndjson", IPPS)
        # partner factors
        frow = []
        for p in sorted(self.partners, key=lambda p: p["id"]):
            frow.append({"partner_id": p["id"], "capability": round(p["c"], 4),
                         "conflict_proneness": round(p["z"], 4), "uploads_list": p["uploads"],
                         "msp_hub": p["id"] in self.hubs, "book_size": p["book_size"],
                         "target_customers": p["target_customers"],
                         "certifications": len(p["certs"]), "ramp_days": p["ramp_days"],
                         "activation": iso(p["activation"]) if p["activation"] else None,
                         "offboarded_on": iso(p["offboarded"]) if p["offboarded"] else None,
                         **self.partner_results.get(p["id"], {})})
        nd("truth/factors.ndjson", frow)
        counts = {"partners": len(self.partners), "accounts": len(self.accounts),
                  "unknown_companies": len(self.unknown), "partner_records": n_records,
                  "deals": len(self.deals), "touchpoints": len(self.touches),
                  "registrations": len(self.regs),
                  "disputes": sum(1 for g in self.regs if g["disputed"]),
                  "plays": len(PLAYS), "play_runs": len(self.runs), "ipps": len(IPPS)}
        manifest = {"generator": "altworld v1 (benches/peers/altworld.py, independent of src/generator)",
                    "seed": self.seed,
                    "config": {"seed": self.seed, "partners": self.n_partners,
                               "accounts": self.n_accounts, "start": iso(self.start),
                               "years": self.years},
                    "as_of": iso(self.as_of), "protection_days": 90, "counts": counts}
        with open(os.path.join(out, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        return counts

    def results(self):
        res = {}
        for d in self.deals:
            for pid, role in d["parts"]:
                x = res.setdefault(pid, {"deals": 0, "won": 0, "first_win_on": None})
                x["deals"] += 1
                if d["outcome"] == "won":
                    x["won"] += 1
                    c = iso(d["close"])
                    if x["first_win_on"] is None or c < x["first_win_on"]:
                        x["first_win_on"] = c
        for g in self.regs:
            x = res.setdefault(g["partner"], {"deals": 0, "won": 0, "first_win_on": None})
            x["registrations"] = x.get("registrations", 0) + 1
            x["disputes"] = x.get("disputes", 0) + int(g["disputed"])
        for p in self.partners:
            x = res.get(p["id"])
            if x and x["first_win_on"] and p["joined"]:
                j = max(p["joined"], self.start)
                x["time_to_first_revenue_days"] = (dt.date.fromisoformat(x["first_win_on"]) - j).days
        self.partner_results = res

    def stage(self, d):
        if d["outcome"] == "won":
            return "closed_won"
        if d["outcome"] == "lost":
            return "closed_lost"
        frac = (self.as_of - d["created"]).days / max(1, d["cycle"])
        return "prospecting" if frac < 0.25 else "qualification" if frac < 0.5 else \
            "proposal" if frac < 0.75 else "negotiation"

    def decisions(self, r, g):
        d = g["deal"]
        t0 = g["t"]
        out = []
        limit = dt.datetime(self.as_of.year, self.as_of.month, self.as_of.day)

        def add(kind, t, reason=None):
            if t >= limit:
                return False
            if out and t < out[-1][1]:
                t = out[-1][1] + dt.timedelta(minutes=5)
            out.append((kind, t, reason))
            return True

        t = t0 + dt.timedelta(hours=r.uniform(6, 72))
        if g["rejected"]:
            add("reject", t, "A claimed product is outside the partner's authorisation.")
            return self.fmt(out)
        if g["disputed"]:
            if r.random() < 0.5:
                if not add("approve", t):
                    return self.fmt(out)
                t += dt.timedelta(days=r.uniform(1, 12))
            if not add("dispute", t, "Another party claims the opportunity."):
                return self.fmt(out)
            t += dt.timedelta(days=r.uniform(5, 30))
            if r.random() < 0.55 or d["outcome"] == "lost" and r.random() < 0.5:
                add("reject", t, "Decided for the other party.")
                return self.fmt(out)
            if not add("resolve", t, "Decided for the registrant."):
                return self.fmt(out)
        else:
            if not add("approve", t):
                return self.fmt(out)
        close_t = at_time(r, d["close"])
        last = out[-1][1]
        extend_t = t0 + dt.timedelta(days=r.uniform(80, 89))
        if close_t > t0 + dt.timedelta(days=90) and extend_t > last:
            if not add("extend", extend_t, "The deal is still open at the end of the protection window."):
                return self.fmt(out)
            if close_t > t0 + dt.timedelta(days=180):
                add("expire", t0 + dt.timedelta(days=180, hours=2))
                return self.fmt(out)
        if d["outcome"] in ("won", "lost") and close_t > out[-1][1]:
            add("win" if d["outcome"] == "won" else "lose", close_t)
        return self.fmt(out)

    @staticmethod
    def fmt(out):
        res = []
        for kind, t, reason in out:
            x = {"decision": kind, "at": ts(t)}
            if reason:
                x["reason"] = reason
            res.append(x)
        return res

    def export_row(self, r, c, rid, rel, p):
        name = c["name"]
        u = r.random()
        if u < 0.25:
            name = c["base"]  # legal form dropped
        elif u < 0.40:
            name = name.upper()
        elif u < 0.45:
            name = name.replace(" & ", " and ")
        dom = c["domain"]
        domain = website = email = ""
        if dom:
            if r.random() < 0.80:
                domain = pick(r, [dom, "www." + dom, "https://" + dom], [0.7, 0.2, 0.1])
            if r.random() < 0.40:
                website = pick(r, ["https://www." + dom + "/", "www." + dom, "http://" + dom], [0.5, 0.3, 0.2])
            if r.random() < 0.30:
                email = f"{r.choice(FIRST).lower()}.{r.choice(LAST).lower()}@{dom}"
        phone = f"+{r.randint(1, 99)} {r.randint(100, 999)} {r.randint(1000000, 9999999)}" if r.random() < 0.4 else ""
        city = ""
        country = ""
        if r.random() < 0.8:
            country = c["country"] if r.random() < 0.6 else COUNTRY[c["country"]][6]
        industry = ""
        if r.random() < 0.5:
            industry = c["industry"] if r.random() < 0.5 else r.choice(INDUSTRY_SYNONYMS[c["industry"]])
        relation = rel if r.random() < 0.85 else rel.title()
        return [rid, relation, name, domain, website, email, phone, "", city, "", "", country, industry]


def accumulate(ws):
    s = 0.0
    out = []
    for w in ws:
        s += w
        out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--partners", type=int, default=2000)
    ap.add_argument("--accounts", type=int, default=60000)
    ap.add_argument("--start", default="2022-10-01")
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    t0 = time.time()
    w = World(args)
    w.make_accounts()
    w.make_partners()
    w.make_books()
    w.make_programs()
    w.make_deals()
    w.make_touchpoints()
    w.make_registrations()
    w.make_play_runs()
    w.results()
    counts = w.write(args.out)
    dispute_rate = counts["disputes"] / max(1, counts["registrations"])
    print(f"wrote {counts['partners']} partners, {counts['accounts']} accounts, "
          f"{counts['partner_records']} partner records, {counts['deals']} deals, "
          f"{counts['touchpoints']} touchpoints, {counts['registrations']} registrations "
          f"({counts['disputes']} disputed, {dispute_rate:.1%}), {counts['plays']} plays, "
          f"{counts['play_runs']} play runs, {counts['ipps']} IPPs to {args.out} "
          f"in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
