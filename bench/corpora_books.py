"""Small codebooks for the external corpora of ``bench/suggest_corpora.py`` (cold start).

Each category gets a name and a definition built from the dataset's own label description
(the label names and their subcategories, or the coding scheme's documented domains), so the
cold start knows what a human coder was told, no more. Written for this bench; the corpora
themselves are never committed.
"""

from __future__ import annotations

# Cycling Dialogues (Romberg & Escher 2022): level-1 categories; each definition lists the
# level-2 labels the dataset files under it, in German as the contributions are.
CYCLING: dict[str, tuple[str, str]] = {
    "level1_traffic_lights": (
        "Ampeln",
        "Ungünstige Ampelschaltung, lange Wartezeit an der Ampel, neue Ampel aufstellen, "
        "Ampel entfernen."),
    "level1_lighting": (
        "Beleuchtung",
        "Beleuchtung des Radwegs fehlt, Beleuchtung defekt, Laternen, dunkel in der Nacht."),
    "level1_signage": (
        "Beschilderung und Markierung",
        "Beschilderung des Radwegs fehlt oder ist schlecht sichtbar, Markierung des Radwegs "
        "fehlt oder ist schlecht sichtbar, Schilder, Piktogramme."),
    "level1_bicycle_parking": (
        "Fahrradabstellanlagen",
        "Keine oder zu wenige Abstellanlagen für Fahrräder, ungeeignete Fahrradständer, "
        "Fahrradparken, Bügel."),
    "level1_obstacles": (
        "Hindernisse",
        "Behinderung durch feste Gegenstände auf dem Radweg, Radweg dauerhaft zugeparkt, "
        "Radweg oft blockiert durch parkende Autos, Mülltonnen, Poller."),
    "level1_cycling_traffic_management": (
        "Radverkehrsführung",
        "Zugang zum Radweg nur mit Umweg, Einbahnstraße für Radverkehr öffnen, "
        "Radwegbenutzungspflicht prüfen, sichere Straßenquerung fehlt, fehlende Sicht, "
        "unklare Verkehrsführung, neuer Radweg, Radweg in beide Richtungen, Fahrradstraße "
        "einrichten, Tempolimit, regelwidriges Verhalten von Autofahrern und Radfahrern."),
    "level1_cycle_path_quality": (
        "Qualität der Radwege",
        "Unebenheiten, Schäden oder Risse im Belag, Schlaglöcher, Wurzeln, zu geringe Breite "
        "des Radwegs, wiederholt Schmutz oder Wasser auf dem Radweg, Bordsteinkanten und "
        "Passagen mit zu großen Höhenunterschieden."),
    "level1_misc": (
        "Sonstiges",
        "Sonstige Hinweise, allgemeine Anmerkungen ohne Ortsbezug, Mängelmeldung."),
}

# Manifesto Project (MARPOR) domains: the first digit of a quasi-sentence's code. The
# definitions name the domain's categories as the MARPOR codebook lists them.
MANIFESTO: dict[str, tuple[str, str]] = {
    "1": ("Außenbeziehungen",
          "Außenpolitik: Antiimperialismus, Militär und Bundeswehr, Frieden, "
          "Internationalismus, internationale Zusammenarbeit, Europäische Union, Beziehungen "
          "zu anderen Staaten."),
    "2": ("Freiheit und Demokratie",
          "Freiheit und Menschenrechte, Bürgerrechte, Demokratie, direkte Demokratie, "
          "Beteiligung, Verfassung und Grundgesetz."),
    "3": ("Politisches System",
          "Dezentralisierung und Föderalismus, Zentralisierung, Effizienz von Verwaltung und "
          "Regierung, Bürokratieabbau, politische Korruption, politische Autorität und "
          "Kompetenz der Partei."),
    "4": ("Wirtschaft",
          "Freie Marktwirtschaft, Anreize für Unternehmen, Steuern, Marktregulierung, "
          "Wirtschaftsplanung, Protektionismus, Wirtschaftswachstum, Technologie und "
          "Infrastruktur, Digitalisierung, Verkehr, Haushalt und Schulden, Nachhaltigkeit "
          "der Wirtschaft."),
    "5": ("Wohlfahrt und Lebensqualität",
          "Umweltschutz und Klimaschutz, Kultur, soziale Gerechtigkeit und Gleichheit, "
          "Ausbau oder Begrenzung des Sozialstaats, Rente, Gesundheit, Pflege, Bildung und "
          "Schulen."),
    "6": ("Gefüge der Gesellschaft",
          "Nationale Lebensweise, traditionelle Moral, Familie, Recht und Ordnung, Polizei "
          "und Sicherheit, Bürgersinn und Ehrenamt, Multikulturalismus, Integration."),
    "7": ("Soziale Gruppen",
          "Arbeitnehmer und Gewerkschaften, Landwirtschaft und Bauern, Mittelstand und "
          "Berufsgruppen, benachteiligte Minderheiten, Frauen, Kinder, Jugendliche, ältere "
          "Menschen, Menschen mit Behinderung."),
}

# CIMT PartEval thematic categorisation (Romberg, Mark & Escher, LREC 2022), process
# "FreiRaum Ottensen" (Hamburg): the scheme of the dataset's README (modes of transport with
# their sub-categories, and the specifications), in German as the contributions are.
CIMT: dict[str, tuple[str, str]] = {
    "motorized transport": (
        "Motorisierter Verkehr",
        "Hauptkategorie motorisierter Verkehr: Autos und Kraftfahrzeuge, öffentlicher "
        "Nahverkehr und Fernverkehr, Wirtschaftsverkehr."),
    "non-motorized transport": (
        "Nicht motorisierter Verkehr",
        "Hauptkategorie nicht motorisierter Verkehr: Radverkehr, Fußverkehr, Roller."),
    "cycling": ("Radverkehr", "Fahrrad fahren, Radfahrende, Radwege, Fahrradstraßen."),
    "walking": ("Fußverkehr", "Zu Fuß gehen, Fußgängerinnen und Fußgänger, Gehwege."),
    "scooters": ("Roller", "E-Scooter, Tretroller und andere Roller."),
    "public transport (local)": (
        "Öffentlicher Nahverkehr", "Busse, S-Bahn, U-Bahn, Haltestellen im Nahverkehr."),
    "public transport (long-distance)": (
        "Öffentlicher Fernverkehr", "Fernzüge, Fernbusse, Fernbahnhof."),
    "commercial transport": (
        "Wirtschaftsverkehr", "Lieferverkehr, Lastwagen, Handwerk und Logistik."),
    "stationary traffic (parking)": (
        "Ruhender Verkehr (Parken)", "Parken und Abstellen von Fahrzeugen, Parkplätze."),
    "moving traffic": (
        "Fließender Verkehr", "Fahrender Verkehr, Verkehrsführung, Durchfahrt, Tempo."),
    "inter- and multimodality": (
        "Inter- und Multimodalität", "Verknüpfung und Wechsel zwischen Verkehrsmitteln."),
    "new services": (
        "Neue Mobilitätsangebote", "Neue Dienste wie Sharing-Angebote und Leihfahrzeuge."),
}
CIMT_PARENTS: dict[str, str] = {
    "cycling": "non-motorized transport", "walking": "non-motorized transport",
    "scooters": "non-motorized transport", "public transport (local)": "motorized transport",
    "public transport (long-distance)": "motorized transport",
    "commercial transport": "motorized transport",
}
"""The README's tree: sub-category -> main category (both codable, as the data codes both)."""

# MobASA (Gabryszak & Thomas, CSRNLP @ LREC 2022): German tweets on public transport, annotated
# with aspects "related to barrier-free travel", topics "important for passengers limited in their
# mobility due to disability, age, or when travelling with young children" (the dataset's README).
# A category is an aspect's entity (the part before '#'); each definition is built from the
# dataset's own labels, its German name (category_de) and English name (category), and names the
# attributes the data files under that entity (Betrieb = Availability, Atmosphaere = Tidiness,
# Sonstiges_Barriere = Barrier_Others, Haupt = Main).
MOBASA: dict[str, tuple[str, str]] = {
    "Aufzug": (
        "Aufzug",
        "Aufzüge (Lift): ob der Aufzug in Betrieb ist, seine Sauberkeit (Atmosphäre) und "
        "sonstige Barrieren am Aufzug."),
    "Rolltreppe": (
        "Rolltreppe",
        "Rolltreppen (Escalator): ob die Rolltreppe in Betrieb ist, ihre Sauberkeit "
        "(Atmosphäre) und sonstige Barrieren an der Rolltreppe."),
    "Rampe": (
        "Rampe",
        "Rampen (Ramp): ob die Rampe in Betrieb und verfügbar ist und sonstige Barrieren an der "
        "Rampe."),
    "Stufenfrei_Hoehengleich": (
        "Stufenfreier, höhengleicher Zugang",
        "Stufenfreier und höhengleicher Zugang (Ground Level Access)."),
    "Beleuchtung": (
        "Beleuchtung",
        "Beleuchtung (Lighting): ob die Beleuchtung in Betrieb ist."),
    "Infoanzeige": (
        "Infoanzeige",
        "Informationsanzeigen (Info Display): ob die Anzeige in Betrieb ist und sonstige "
        "Barrieren bei der Anzeige."),
    "Infodurchsage": (
        "Infodurchsage",
        "Akustische Information, Durchsagen (Info Acoustic): ob die Durchsage in Betrieb ist "
        "und sonstige Barrieren bei der Durchsage."),
    "Info_Sonstiges": (
        "Sonstige Information",
        "Sonstige Fahrgastinformation (Info): sonstige Barrieren bei der Information."),
    "Taktil_Kontrastreich_Orientierung": (
        "Taktile, kontrastreiche Orientierung",
        "Taktile und kontrastreiche Orientierungshilfen (Tactile Contrast Orientation)."),
    "Platzangebot": (
        "Platzangebot",
        "Platzangebot für mobilitätseingeschränkte Fahrgäste (Space Mobility Groups)."),
    "Unfall": (
        "Unfall",
        "Unfälle mobilitätseingeschränkter Fahrgäste (Accidents Mobility Groups)."),
    "Sicherheit_Mensch": (
        "Sicherheit (Mensch)",
        "Sicherheit von Menschen (Security)."),
    "Baustelle": (
        "Baustelle",
        "Baustellen (Construction Site)."),
    "Demo": (
        "Demo",
        "Demonstrationen (Demonstration)."),
    "Allgemein_Barriere": (
        "Barrieren allgemein",
        "Barrieren und Barrierefreiheit allgemein (General Barrier)."),
    "Sonstiges_Barriere": (
        "Sonstige Barrieren",
        "Sonstige Barrieren (Barrier Others)."),
}

# Twitter US Airline Sentiment (CrowdFlower "Data for Everyone", February 2015): contributors
# first classified a tweet's sentiment towards a U.S. airline, then "categorizing negative
# reasons (such as 'late flight' or 'rude service')" (the dataset's description). The
# documentation gives the reasons by name only, so each definition restates its label; "Can't
# Tell" (no reason could be told) is no topic and left out. In English, as the tweets are.
# In alphabetical order: the dataset gives no order, and the first run's frequency order (from
# a count of the labels) handed the prior, which lists a codebook in its order while it knows
# no frequencies, the test labels' frequencies at 0 codings.
AIRLINE: dict[str, tuple[str, str]] = {
    "Bad Flight": (
        "Bad Flight", "Negative reason: a bad flight."),
    "Cancelled Flight": (
        "Cancelled Flight", "Negative reason: a cancelled flight."),
    "Customer Service Issue": (
        "Customer Service Issue",
        "Negative reason: an issue with the airline's customer service."),
    "Damaged Luggage": (
        "Damaged Luggage", "Negative reason: damaged luggage."),
    "Flight Attendant Complaints": (
        "Flight Attendant Complaints", "Negative reason: complaints about flight attendants."),
    "Flight Booking Problems": (
        "Flight Booking Problems", "Negative reason: problems with booking a flight."),
    "Late Flight": (
        "Late Flight", "Negative reason: a late flight."),
    "longlines": (
        "Long Lines", "Negative reason: long lines."),
    "Lost Luggage": (
        "Lost Luggage", "Negative reason: lost luggage."),
}
