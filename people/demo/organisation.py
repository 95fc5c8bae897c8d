"""A believable demo organisation: a CTO, three directors, seven engineering
managers, their engineers and a two-person people team (about 60 people)."""

import unicodedata

DOMAIN = "example.com"
PASSWORD = "ladders-demo"  # noqa: S105 (published in the README, demo data only)

# (name, manager name, role); the first person of each block leads the next.
LEADERS = [
    ("Ada Okafor", None, ""),
    ("Marcus Lindqvist", "Ada Okafor", ""),
    ("Priya Raman", "Ada Okafor", ""),
    ("Tomás Herrera", "Ada Okafor", ""),
    ("Lin Chen", "Priya Raman", ""),
    ("Jonas Weber", "Priya Raman", ""),
    ("Amara Nwosu", "Priya Raman", ""),
    ("Ravi Iyer", "Marcus Lindqvist", ""),
    ("Sofia Rossi", "Marcus Lindqvist", ""),
    ("Kenji Watanabe", "Tomás Herrera", ""),
    ("Fatima Zahra", "Tomás Herrera", ""),
]
PEOPLE_TEAM = [
    ("Helen Brooks", None, "hr"),
    ("Kwame Mensah", "Helen Brooks", "hr"),
]
ENGINEERS = {
    "Lin Chen": [
        "Sam Patel",
        "Grace Kim",
        "Diego Alvarez",
        "Hannah Schmidt",
        "Yusuf Demir",
        "Chloé Martin",
        "Oliver Bennett",
    ],
    "Jonas Weber": [
        "Mei Tanaka",
        "Liam O'Connor",
        "Aisha Bello",
        "Noah Fischer",
        "Isabella Costa",
        "Arjun Mehta",
    ],
    "Amara Nwosu": [
        "Elena Petrova",
        "Daniel Cohen",
        "Zanele Dlamini",
        "Lucas Moreau",
        "Hana Yilmaz",
        "Tariq Hassan",
        "Maya Goldberg",
    ],
    "Ravi Iyer": [
        "Erik Johansson",
        "Nadia Popescu",
        "Kofi Asante",
        "Julia Nowak",
        "Marco Bianchi",
        "Leila Karimi",
    ],
    "Sofia Rossi": [
        "Ben Carter",
        "Ingrid Halvorsen",
        "Samir Haddad",
        "Ana Souza",
        "Pavel Novak",
        "Emily Walsh",
        "Chidi Eze",
    ],
    "Kenji Watanabe": [
        "Rosa Delgado",
        "Victor Huang",
        "Olga Ivanova",
        "Finn Murphy",
        "Sara Lindgren",
        "Omar Farouk",
    ],
    "Fatima Zahra": [
        "Clara Dubois",
        "Mateo García",
        "Yuki Sato",
        "Tom Richter",
        "Adaeze Obi",
        "Jakub Kowalski",
        "Lena Vogel",
    ],
}


def email_for(name: str) -> str:
    """'Tomás Herrera' -> tomas.herrera@example.com"""
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return ".".join(plain.replace("'", "").split()) + f"@{DOMAIN}"


# Ladder files loaded (and published) by seed_demo, from ladders/demo/.
LADDER_FILES = ["engineering.yaml", "design.yaml", "people-operations.yaml"]

# Amara Nwosu's team designs: they grow on the product design ladder.
DESIGN_TEAM = "Amara Nwosu"
LEADER_LEVELS = {
    "Ada Okafor": ("engineering", "M5"),
    "Marcus Lindqvist": ("engineering", "M3"),
    "Priya Raman": ("engineering", "M3"),
    "Tomás Herrera": ("engineering", "M4"),
    "Lin Chen": ("engineering", "M2"),
    "Jonas Weber": ("engineering", "M1"),
    "Amara Nwosu": ("product-design", "DM1"),
    "Ravi Iyer": ("engineering", "M1"),
    "Sofia Rossi": ("engineering", "M2"),
    "Kenji Watanabe": ("engineering", "M1"),
    "Fatima Zahra": ("engineering", "M1"),
    "Helen Brooks": ("people-operations", "PM2"),
    "Kwame Mensah": ("people-operations", "P3"),
}
# A believable spread in every team: mostly mid-level, a few juniors and seniors.
TEAM_LEVELS = {
    "engineering": ["IC3", "IC2", "IC4", "IC1", "IC2", "IC3", "IC5"],
    "product-design": ["D3", "D2", "D1", "D4", "D2", "D3", "D5"],
}


def _level_of(name: str, manager: str | None, index: int) -> tuple[str, str]:
    if name in LEADER_LEVELS:
        return LEADER_LEVELS[name]
    ladder = "product-design" if manager == DESIGN_TEAM else "engineering"
    levels = TEAM_LEVELS[ladder]
    return ladder, levels[index % len(levels)]


# Attributes HR records (people import ``attr:`` columns), for the breakdowns.
LOCATIONS = ["Lisbon", "Berlin", "Remote", "Berlin", "Lisbon"]


def demo_rows() -> list[tuple[str, ...]]:
    """(email, name, manager_email, role, ladder, level_code, location) for everyone,
    managers first."""
    people = [(name, manager, role, 0) for name, manager, role in LEADERS + PEOPLE_TEAM]
    people += [
        (engineer, manager, "", i)
        for manager, team in ENGINEERS.items()
        for i, engineer in enumerate(team)
    ]
    return [
        (
            email_for(name),
            name,
            email_for(manager) if manager else "",
            role,
            *_level_of(name, manager, index),
            LOCATIONS[position % len(LOCATIONS)],
        )
        for position, (name, manager, role, index) in enumerate(people)
    ]


# The logins the README lists, one per role.
LOGINS = [
    ("HR (people team)", "Helen Brooks"),
    ("CTO, top of the tree", "Ada Okafor"),
    ("Director (managers below)", "Priya Raman"),
    ("Engineering manager", "Lin Chen"),
    ("Engineer", "Sam Patel"),
]
