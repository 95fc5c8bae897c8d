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


def demo_rows() -> list[tuple[str, str, str, str]]:
    """(email, name, manager_email, role) for everyone, managers before their reports."""
    people = (
        LEADERS
        + PEOPLE_TEAM
        + [(engineer, manager, "") for manager, team in ENGINEERS.items() for engineer in team]
    )
    return [
        (email_for(name), name, email_for(manager) if manager else "", role)
        for name, manager, role in people
    ]


# The logins the README lists, one per role.
LOGINS = [
    ("HR (people team)", "Helen Brooks"),
    ("CTO, top of the tree", "Ada Okafor"),
    ("Director (managers below)", "Priya Raman"),
    ("Engineering manager", "Lin Chen"),
    ("Engineer", "Sam Patel"),
]
