#!/usr/bin/env python3
"""Generate the qca demo corpora (deterministic, no network).

Writes, next to this script:
  kommunalbefragung.csv          survey export as German Excel writes it
                                 (cp1252, ';', CRLF records, LF inside cells)
  protokoll_dialogtreffen_1.txt  dialogue protocol, looks like PDF-extracted text
  protokoll_dialogtreffen_2.md   dialogue protocol, Markdown
  protokoll_dialogtreffen_3.docx dialogue protocol, Word (needs python-docx)
  codings_demo.csv               reference codings by two coders (anna = gold, ben)

All text is invented for this project. Survey answers are composed from
hand-written phrase variants per category (the category an answer was built
from is the gold code), plus the noise of real exports. Run:

    python corpora/make_corpus.py
"""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250212

QUESTIONS = [
    "chancen_vielfalt",
    "herausforderungen_vielfalt",
    "gruende_nichtnutzung",
    "beteiligungsformate",
]

# ---------------------------------------------------------------------------
# Phrase banks: S = full sentences, B = short list items / keywords.
# Every variant is written to be codeable with exactly its own category.
# ---------------------------------------------------------------------------
BANK: dict[str, dict[str, list[str]]] = {
    # ---------------- chancen_vielfalt ----------------
    "CH_REFLEXION": {
        "S": [
            "Begegnung baut Vorurteile ab, und zwar auf beiden Seiten.",
            "Wer täglich mit Menschen aus anderen Kulturen zu tun hat, hinterfragt eher seine eigenen Klischees.",
            "Vielfalt zwingt uns, eigene Routinen und Sichtweisen zu überdenken – auch das, was wir unter Sicherheit verstehen.",
            "Durch den Kontakt mit unterschiedlichen Lebensweisen lernen Bürgerinnen und Bürger, Missverständnisse früher zu erkennen und zu klären.",
            "Die sehr unterschiedlichen Erfahrungen mit Polizei und Behörden in den Herkunftsländern zeigen uns, dass Sicherheit nicht für alle dasselbe bedeutet.",
            "Gegenseitige Sensibilität wächst, wenn man sich kennenlernt; Stereotype verlieren dann an Kraft.",
            "Vielfalt ist ein Lernfeld: man merkt, dass das eigene Verständnis von Ordnung nicht das einzig mögliche ist.",
            "Die Auseinandersetzung mit anderen Perspektiven schärft den Blick für die eigenen blinden Flecken.",
            "Kinder und Jugendliche wachsen selbstverständlich mit Vielfalt auf und bauen Vorbehalte gar nicht erst auf.",
            "Vorbehalte gegenüber Zugewanderten lassen sich im persönlichen Kontakt am ehesten abbauen.",
            "Man lernt, ungewohntes Verhalten nicht vorschnell als bedrohlich zu deuten.",
            "Ein offener Umgang mit Unterschieden fördert die Fähigkeit zur Selbstreflexion in der Stadtgesellschaft.",
        ],
        "B": [
            "Abbau von Vorurteilen",
            "Perspektivwechsel",
            "gegenseitiges Verständnis und Sensibilisierung",
            "Lernen voneinander",
            "eigene Stereotype hinterfragen",
            "Klärung von Missverständnissen",
            "Reflexion der eigenen Sichtweisen",
        ],
    },
    "CH_KONFLIKT": {
        "S": [
            "Bei Nutzungskonflikten im Park haben wir gute Erfahrungen damit gemacht, alle Gruppen an einen Tisch zu holen.",
            "Mehr Perspektiven bedeuten auch mehr Lösungsideen, wenn es im Quartier knirscht.",
            "Über Netzwerke mit Vereinen, Moscheegemeinden und Trägern lassen sich Konflikte oft lösen, bevor das Ordnungsamt einschreiten muss.",
            "Konfliktvermittlung gelingt besser, wenn Vermittler aus den jeweiligen Communities beteiligt sind.",
            "Durch die Einbindung vieler Akteure werden Probleme früher erkannt und unterschiedliche Interessen können ausgehandelt werden.",
            "Die Vielfalt der Beteiligten hilft, Konflikte nicht nur ordnungsrechtlich, sondern auch sozial zu bearbeiten.",
            "Wenn Anwohner, Gastronomie und Jugendliche gemeinsam nach Lösungen suchen, halten die Vereinbarungen länger.",
            "Kulturmittler und Streitschlichter mit eigener Migrationserfahrung können bei Streit zwischen Nachbarn vermitteln.",
            "Die Bedürfnisse verschiedener Gruppen werden sichtbar und können bei der Lösung von Konflikten berücksichtigt werden.",
            "Mediation mit mehrsprachigen Teams entschärft Streitigkeiten in großen Wohnanlagen.",
            "Ein breites Netzwerk aus Verwaltung, Polizei und Zivilgesellschaft ermöglicht eine multiperspektivische Konfliktbearbeitung.",
        ],
        "B": [
            "Konfliktmoderation mit allen Beteiligten",
            "Netzwerke zur Konfliktlösung",
            "Vermittlung durch Kulturmittler",
            "gemeinsame Lösungen bei Nutzungskonflikten",
            "Mediation im Quartier",
            "Interessenausgleich zwischen Gruppen",
        ],
    },
    "CH_ZUSAMMENHALT": {
        "S": [
            "Wo sich Menschen im Alltag begegnen, wächst Vertrauen – das ist langfristig die beste Prävention.",
            "Nachbarschaftliche Kontakte über kulturelle Grenzen hinweg stärken den Zusammenhalt im Stadtteil.",
            "Ein gutes Miteinander verschiedener Gruppen macht ein Quartier stabiler.",
            "Gemeinsame Feste und ein lebendiges Vereinsleben fördern Toleranz und Akzeptanz.",
            "Vielfalt kann den sozialen Zusammenhalt stärken, wenn es regelmäßige Gelegenheiten zum Austausch gibt.",
            "Die Einbindung in Sportvereine und Nachbarschaftsinitiativen schafft Bindungen, die auch in Krisen tragen.",
            "Die interkulturelle Kompetenz der Bewohner*innen wächst durch den alltäglichen Umgang miteinander.",
            "Solidarität in der Nachbarschaft entsteht gerade dort, wo unterschiedliche Menschen zusammenleben und sich aufeinander verlassen.",
            "Prävention durch Gemeinschaft: wer dazugehört, fühlt sich auch für sein Umfeld verantwortlich.",
            "Gegenseitige Akzeptanz zwischen Alteingesessenen und Zugezogenen ist eine Ressource für das ganze Viertel.",
            "Ein lebendiges Miteinander der Generationen und Kulturen stärkt die Gemeinschaft.",
        ],
        "B": [
            "sozialer Zusammenhalt",
            "Vertrauen in der Nachbarschaft",
            "Toleranz und Akzeptanz",
            "Begegnung und Austausch im Alltag",
            "Gemeinschaftsgefühl im Quartier",
            "Prävention durch gutes Miteinander",
        ],
    },
    "CH_SICHERHEIT": {
        "S": [
            "Belebte Plätze, auf denen sich viele unterschiedliche Menschen aufhalten, werden als sicherer wahrgenommen.",
            "Gelebte Vielfalt kann dazu beitragen, dass bestimmte Orte nicht mehr als Angsträume gelten.",
            "Wenn man die anderen Gruppen kennt, sinkt die diffuse Angst im öffentlichen Raum.",
            "Das subjektive Sicherheitsempfinden verbessert sich, wenn ein Stadtteil von vielen genutzt wird und soziale Kontrolle entsteht.",
            "Viele gefühlte Sicherheitsprobleme relativieren sich, wenn man die Menschen dahinter kennt.",
            "Eine bunte Nutzung von Parks und Plätzen bis in den Abend sorgt für ein besseres Sicherheitsgefühl.",
            "Die Präsenz unterschiedlicher Gruppen im Straßenbild nimmt manchen Orten das Bedrohliche.",
            "Das Sicherheitsgefühl älterer Menschen steigt, wenn Kontakte zu jungen Zugewanderten entstehen.",
            "Vielfalt belebt die Innenstadt, und belebte Straßen fühlen sich sicherer an.",
            "Die Angst vor dem Unbekannten nimmt ab, dadurch fühlen sich die Leute im Viertel sicherer.",
            "Migrantische Geschäfte mit langen Öffnungszeiten bringen Licht und Leben in dunkle Ecken – das erhöht das Sicherheitsgefühl.",
        ],
        "B": [
            "mehr Sicherheitsgefühl",
            "Abbau von Angsträumen",
            "belebte öffentliche Räume",
            "soziale Kontrolle durch Belebung",
            "besseres subjektives Sicherheitsempfinden",
            "weniger Angst vor Fremden",
        ],
    },
    "CH_VERWALTUNG": {
        "S": [
            "Mitarbeitende mit Migrationsgeschichte bringen Sprachkenntnisse und kulturelles Wissen in die Verwaltung ein.",
            "Ein vielfältiges Team im Außendienst erleichtert den Zugang zu Gruppen, die Behörden sonst meiden.",
            "Die interkulturelle Öffnung der Verwaltung macht uns sensibler für religiöse und kulturelle Fragen.",
            "Mehrsprachige Kolleginnen und Kollegen verbessern die Verständigung bei Kontrollen und Beratungen.",
            "Wenn sich die Stadtgesellschaft in der Verwaltung widerspiegelt, steigt die Akzeptanz behördlichen Handelns.",
            "Interkulturelle Schulungen für Mitarbeitende helfen, Situationen im Einsatz richtig einzuschätzen.",
            "Diversität im Personal erweitert die Perspektiven bei der Planung kommunaler Sicherheitsstrukturen.",
            "Die Verwaltung lernt, die Bedürfnisse unterschiedlicher Gruppen besser zu kennen und ihre Angebote gegebenenfalls anzupassen.",
            "Eine diversitätsorientierte Personalgewinnung stärkt die Kompetenz des Kommunalen Ordnungsdienstes.",
            "Ein diverses Kollegium erhöht die Glaubwürdigkeit der Stadt als Ansprechpartnerin.",
            "Die Kenntnis der Lebenswelten ist Voraussetzung für passgenaue kommunale Angebote – dafür brauchen wir vielfältige Teams im Amt.",
        ],
        "B": [
            "interkulturelle Öffnung der Verwaltung",
            "mehrsprachiges Personal",
            "Diversität im Kollegium",
            "interkulturelle Kompetenz der Mitarbeitenden",
            "Fortbildungen für Mitarbeitende",
            "Personal mit Migrationshintergrund im Ordnungsdienst",
        ],
    },
    "CH_SONST": {
        "S": [
            "Zuwanderung hilft uns, offene Stellen zu besetzen, auch bei uns im Amt.",
            "Vielfalt macht die Stadt attraktiver für Unternehmen und junge Leute.",
            "Für die Sicherheit sehe ich keinen direkten Zusammenhang, Regeln gelten für alle gleichermaßen.",
            "Kulturelle Vielfalt bereichert das gastronomische und kulturelle Angebot der Stadt.",
            "Migrantische Unternehmen sorgen für Neugründungen im Einzelhandel.",
            "Schwer zu beantworten, das hängt sehr vom jeweiligen Stadtteil ab.",
            "Ehrlich gesagt spielt das Thema in unserem Aufgabenbereich kaum eine Rolle.",
            "Ohne Zuzug würden wir als Stadt weiter schrumpfen.",
        ],
        "B": [
            "Fachkräftegewinnung",
            "wirtschaftliche Impulse",
            "Attraktivität als Wirtschaftsstandort",
            "kulturelles Angebot",
        ],
    },
    # ---------------- herausforderungen_vielfalt ----------------
    "HE_WERTE": {
        "S": [
            "Die Vorstellungen davon, was im öffentlichen Raum erlaubt ist – Lautstärke, Alkohol, Nachtruhe –, gehen weit auseinander.",
            "Unterschiedliche Rollenbilder und religiöse Normen führen immer wieder zu Reibungen.",
            "Es ist schwierig, die sehr verschiedenen Sicherheitsbedürfnisse der Gruppen unter einen Hut zu bringen.",
            "Was die einen als normales Zusammensein auf dem Platz empfinden, ist für die anderen schon bedrohlich.",
            "Nicht die Vielfalt ist das Problem, sondern Menschen, die nicht bereit sind, andere Lebensweisen zu tolerieren.",
            "Unterschiedliche Vorstellungen von Erziehung, Familie und Geschlechterrollen prallen aufeinander, etwa in Kitas und Schulen.",
            "Regeln des Zusammenlebens wie Mülltrennung oder Ruhezeiten werden sehr unterschiedlich ausgelegt.",
            "Werte wie Gleichberechtigung sind nicht für alle selbstverständlich, das erzeugt Konflikte.",
            "Mangelnde Toleranz auf allen Seiten erschwert ein friedliches Miteinander.",
            "Das Verständnis von Ordnung und Sauberkeit variiert stark zwischen den Bewohnergruppen.",
            "Religiöse Feiertage und Bräuche kollidieren manchmal mit den Erwartungen der Nachbarschaft.",
        ],
        "B": [
            "unterschiedliche Wertvorstellungen",
            "verschiedene Normen und Regeln",
            "unterschiedliche Sicherheitsbedürfnisse",
            "fehlende Toleranz",
            "unterschiedliche kulturelle Codes",
            "Konflikte um Ruhezeiten und Lärm",
        ],
    },
    "HE_VERUNSICHERUNG": {
        "S": [
            "Viele ältere Bewohner fühlen sich in ihrem Viertel fremd und verunsichert, weil sich alles so schnell verändert.",
            "Soziale Medien verbreiten nach jedem Vorfall Gerüchte und schüren Ängste.",
            "Die Berichterstattung in der Lokalpresse verstärkt das Bild vom gefährlichen Zuwanderer.",
            "Fremdenfeindliche Stimmungen nehmen zu, teils gezielt befeuert durch rechte Gruppen.",
            "Der gesellschaftliche Wandel überfordert einen Teil der Bevölkerung, daraus entstehen diffuse Ängste.",
            "Rassistische Vorfälle und Anfeindungen gegenüber Geflüchteten verunsichern wiederum die Betroffenen.",
            "Falschmeldungen in den WhatsApp-Gruppen der Nachbarschaft sind ein echtes Problem.",
            "Menschen verlieren Orientierung, wenn vertraute Strukturen wegbrechen, und suchen Schuldige.",
            "Populistische Stimmungsmache nutzt Einzelfälle, um Vielfalt insgesamt als Bedrohung darzustellen.",
            "Verlustängste und das Gefühl, abgehängt zu sein, begünstigen die Ablehnung von Zugewanderten.",
            "Die Angst vor \"Überfremdung\" ist in Bürgerversammlungen deutlich spürbar.",
        ],
        "B": [
            "Ängste in der Bevölkerung",
            "Verunsicherung durch den Wandel",
            "Fremdenfeindlichkeit und Rassismus",
            "Gerüchte in sozialen Medien",
            "negative Medienberichte",
            "Stimmungsmache von rechts",
        ],
    },
    "HE_SEGMENTIERUNG": {
        "S": [
            "In einzelnen Straßenzügen bleiben die Gruppen völlig unter sich, es gibt kaum Kontakt.",
            "Clanstrukturen und Parallelgesellschaften entziehen sich staatlicher Kontrolle.",
            "Konflikte aus den Herkunftsländern werden hier auf der Straße ausgetragen, zum Beispiel bei Demonstrationen.",
            "Segregation auf dem Wohnungsmarkt führt zu Quartieren mit hoher Konzentration von Armut und Zuwanderung.",
            "Manche Familien regeln Streitigkeiten lieber intern als über Polizei und Gerichte.",
            "Es besteht die Gefahr, dass soziale Probleme pauschal einer Ethnie zugeschrieben werden.",
            "Die Abschottung einzelner Communities erschwert die Präventionsarbeit erheblich.",
            "Die Stadt zerfällt zunehmend in Viertel, die nichts miteinander zu tun haben.",
            "Unterschiedliche Rechtsauffassungen, etwa beim Thema Selbstjustiz, beschäftigen uns.",
            "Jugendgruppen grenzen sich entlang der Herkunft voneinander ab, teils mit regelrechtem Revierdenken.",
            "In den Großwohnsiedlungen am Stadtrand konzentrieren sich Gruppen, die kaum am städtischen Leben teilnehmen.",
        ],
        "B": [
            "Segregation",
            "Parallelgesellschaften",
            "Clankriminalität",
            "importierte Konflikte",
            "Abschottung von Communities",
            "Ethnisierung sozialer Konflikte",
        ],
    },
    "HE_KOMMUNIKATION": {
        "S": [
            "Wir erreichen bestimmte Gruppen mit unseren Informationen schlicht nicht.",
            "Sprachbarrieren erschweren Kontrollen, Anhörungen und Beratungsgespräche.",
            "Viele Zugewanderte haben schlechte Erfahrungen mit Behörden gemacht und misstrauen der Verwaltung.",
            "Dialogveranstaltungen scheitern manchmal daran, dass Umgangsformen nicht geteilt werden und Gespräche eskalieren.",
            "Unsere Schreiben sind zu kompliziert, selbst für Muttersprachler.",
            "Dolmetscher sind selten kurzfristig verfügbar, gerade im Außendienst.",
            "Bestimmte Milieus beteiligen sich nie an Befragungen oder Versammlungen.",
            "Es fehlen Ansprechpersonen in den Communities, über die wir Informationen streuen könnten.",
            "Mehrsprachige Informationsmaterialien gibt es kaum, und wenn, dann nur auf Deutsch und Englisch.",
            "Die Erreichbarkeit von Neuzugewanderten ist schwierig, weil sich die Zusammensetzung ständig ändert.",
            "Missverständnisse im Gespräch mit der Behörde führen schnell zu Beschwerden.",
        ],
        "B": [
            "Sprachbarrieren",
            "Erreichbarkeit bestimmter Gruppen",
            "Misstrauen gegenüber Behörden",
            "fehlende Dolmetscher",
            "kaum mehrsprachige Informationen",
            "Kommunikation mit den Communities",
        ],
    },
    "HE_SONST": {
        "S": [
            "Fehlendes Personal, um überhaupt regelmäßig vor Ort präsent zu sein.",
            "Der angespannte Wohnungsmarkt verschärft alle anderen Probleme.",
            "Die Finanzierung von Präventionsprojekten ist immer nur kurzfristig gesichert.",
            "Die Zuständigkeiten zwischen Land, Kreis und Stadt sind unklar.",
            "Die Drogen- und Alkoholszene am Bahnhof, ganz unabhängig von Herkunft.",
            "Die Unterbringung in großen Gemeinschaftsunterkünften bindet viele Kräfte.",
        ],
        "B": [
            "fehlendes Personal",
            "fehlende Finanzierung",
            "Wohnraummangel",
            "unklare Zuständigkeiten",
        ],
    },
    # ---------------- gruende_nichtnutzung ----------------
    "FN_PERSONAL": {
        "S": [
            "Uns fehlt das Personal, um Anträge zu schreiben und Projekte anschließend abzuwickeln.",
            "Das Team besteht aus zwei Personen, da ist Fördermittelakquise nicht drin.",
            "Die Stelle der Integrationskoordination ist seit Monaten unbesetzt.",
            "Alle Mitarbeiter sind mit dem Tagesgeschäft voll ausgelastet.",
            "Für ein Förderprojekt müssten wir zusätzliche Leute einstellen, die wir nicht bekommen.",
            "Personelle Engpässe, insbesondere durch Krankheit und Fluktuation.",
            "Wir hätten niemanden, der das Projekt dauerhaft betreut.",
            "Fachkräftemangel – selbst geförderte Stellen lassen sich kaum besetzen.",
            "Die Kolleg*innen im Fachbereich sind schon jetzt am Limit, ein weiteres Projekt ist personell nicht leistbar.",
            "Keine personellen Kapazitäten für die Projektsteuerung vorhanden.",
        ],
        "B": [
            "Personalmangel",
            "fehlende personelle Kapazitäten",
            "unbesetzte Stellen",
            "Mitarbeitende ausgelastet",
            "niemand für die Projektbetreuung",
        ],
    },
    "FN_ZEIT": {
        "S": [
            "Der Antragsaufwand steht in keinem Verhältnis zur Fördersumme.",
            "Die Antragsfristen sind meist viel zu kurz, um mit Partnern ein vernünftiges Konzept abzustimmen.",
            "Verwendungsnachweise und Berichtspflichten fressen mehr Zeit als das eigentliche Projekt.",
            "Die Verfahren sind extrem bürokratisch aufgebaut.",
            "Neben dem Tagesgeschäft bleibt keine Zeit, sich in Förderrichtlinien einzuarbeiten.",
            "Zu viel Papierkram für zu wenig Geld.",
            "Die Abrechnung über das Förderportal ist so kompliziert, dass wir es beim letzten Mal bereut haben.",
            "Zwischen Aufruf und Abgabe lagen drei Wochen, das war nicht zu schaffen.",
            "Zeitliche Ressourcen fehlen, vor allem in der Antragsphase.",
            "Hoher Dokumentationsaufwand und ständige Nachforderungen des Fördermittelgebers.",
        ],
        "B": [
            "bürokratischer Aufwand",
            "zu kurze Fristen",
            "Zeitmangel",
            "aufwändige Verwendungsnachweise",
            "komplizierte Antragsverfahren",
        ],
    },
    "FN_FINANZEN": {
        "S": [
            "Den geforderten Eigenanteil können wir im Haushaltssicherungskonzept nicht darstellen.",
            "Die Kofinanzierung von 20 % ist für uns nicht aufzubringen.",
            "Nach Ende der Förderung müssten wir die Stellen selbst finanzieren, das traut sich hier niemand zu.",
            "Die Haushaltslage ist angespannt, freiwillige Leistungen werden gestrichen.",
            "Viele Programme verlangen eine Vorfinanzierung, da spielt die Kämmerei nicht mit.",
            "Es fehlen schlicht die Eigenmittel.",
            "Die Folgekosten nach Projektende sind nicht gedeckt.",
            "Unter Haushaltssicherung dürfen wir keine neuen finanziellen Verpflichtungen eingehen.",
            "Der kommunale Anteil ist zu hoch, gerade bei Baumaßnahmen der Städtebauförderung.",
        ],
        "B": [
            "Eigenanteil zu hoch",
            "angespannte Haushaltslage",
            "keine Kofinanzierung möglich",
            "Folgekosten",
            "Haushaltssicherung",
        ],
    },
    "FN_FORMAL": {
        "S": [
            "Wir sind als kreisangehörige Stadt nicht antragsberechtigt, zuständig wäre der Kreis.",
            "Für das EU-Programm hätten wir Partner aus anderen Mitgliedstaaten gebraucht, die wir nicht gefunden haben.",
            "Unser Antrag wurde ohne nähere Begründung abgelehnt.",
            "Die Zuständigkeit für das Thema liegt gar nicht bei unserem Amt.",
            "Die Förderkriterien verlangen eine Mindesteinwohnerzahl, die wir nicht erreichen.",
            "Zweimal beantragt, zweimal ein ablehnender Zuwendungsbescheid.",
            "Wir erfüllen die formalen Voraussetzungen nicht, zum Beispiel fehlt ein beschlossenes Integrationskonzept.",
            "Antragsberechtigt sind nur freie Träger, nicht die Kommune selbst.",
            "Prävention ist bei uns beim Landkreis angesiedelt, wir sind formal nicht zuständig.",
        ],
        "B": [
            "keine Antragsberechtigung",
            "Antrag abgelehnt",
            "fehlende Zuständigkeit",
            "keine EU-Partner gefunden",
            "formale Voraussetzungen nicht erfüllt",
        ],
    },
    "FN_POLITIK": {
        "S": [
            "Der Stadtrat hat die Teilnahme am Bundesprogramm mehrheitlich abgelehnt.",
            "Politisch ist das Thema Vielfalt bei uns derzeit nicht gewollt.",
            "Die Verwaltungsspitze setzt andere Prioritäten.",
            "Der Ausschuss wollte keine zusätzlichen Projekte mit Vielfaltsbezug.",
            "Nach der Kommunalwahl haben sich die Mehrheiten geändert, seitdem gibt es dafür keine Zustimmung mehr.",
            "Der Bürgermeister sieht keinen Handlungsbedarf.",
            "Es fehlt die politische Rückendeckung für Projekte in diesem Bereich.",
            "Einige Fraktionen lehnen Programme gegen Rechtsextremismus grundsätzlich ab.",
        ],
        "B": [
            "politisch nicht gewollt",
            "Ablehnung im Rat",
            "fehlende Unterstützung der Politik",
            "andere Prioritäten der Verwaltungsspitze",
        ],
    },
    "FN_PASSUNG": {
        "S": [
            "Die Programme gehen an unseren tatsächlichen Bedarfen vorbei.",
            "Für kleinere Kommunen sind die Förderlinien nicht gemacht, sie setzen Großstadtstrukturen voraus.",
            "Gefördert werden immer nur Modellprojekte, wir brauchen aber dauerhafte Strukturen.",
            "Die Programme passen thematisch nicht zu unseren Problemlagen vor Ort.",
            "Die Zielgruppen der Förderung stimmen nicht mit denen überein, die wir erreichen wollen.",
            "Projektlaufzeiten von einem Jahr sind für Präventionsarbeit sinnlos.",
            "Die Förderschwerpunkte wechseln ständig und haben mit unserer Arbeit wenig zu tun.",
            "Was wir bräuchten, nämlich Unterstützung für Regelaufgaben, wird nicht gefördert.",
            "Für Ordnungsthemen gibt es kein passendes Programm.",
            "Die Förderlogik ist auf Innovation ausgerichtet, wir brauchen Verstetigung.",
        ],
        "B": [
            "Programme passen nicht zum Bedarf",
            "nur Modellprojekte",
            "zu kurze Laufzeiten",
            "kein passendes Programm",
            "an der Praxis vorbei",
        ],
    },
    "FN_WISSEN": {
        "S": [
            "Wir haben keinen Überblick, welche Programme es überhaupt gibt.",
            "Die Förderlandschaft ist völlig unübersichtlich.",
            "Informationen über neue Aufrufe erreichen uns oft erst, wenn die Frist schon abgelaufen ist.",
            "Uns fehlt das Wissen, welche Fördertöpfe für Sicherheitsthemen in Frage kommen.",
            "Es gibt keine zentrale Stelle, die über Fördermöglichkeiten informiert.",
            "Ehrlich gesagt waren uns die Programme bislang nicht bekannt.",
            "Die vielen Programme von Bund, Land und EU kann man als kleine Verwaltung nicht mehr durchschauen.",
            "Unkenntnis über Fördermöglichkeiten.",
        ],
        "B": [
            "fehlender Überblick",
            "Programme unbekannt",
            "unübersichtliche Förderlandschaft",
            "keine Information über Aufrufe",
        ],
    },
    "FN_UMSTRUKT": {
        "S": [
            "Der Fachbereich wird gerade neu organisiert, deshalb wurde nichts beantragt.",
            "Wir bauen derzeit ein zentrales Fördermittelmanagement auf, danach wollen wir gezielter beantragen.",
            "Durch die Neuaufstellung der Dezernate waren Zuständigkeiten zeitweise ungeklärt.",
            "Umstrukturierung im Amt, dazu eine neue Amtsleitung seit diesem Jahr.",
            "Die Integrationsstelle wurde aus dem Sozialamt herausgelöst und ins Büro des Oberbürgermeisters verlagert, das hat alles verzögert.",
            "Wegen der Verwaltungsreform liegen alle neuen Projekte auf Eis.",
            "Ordnungsamt und Bürgeramt werden zusammengelegt, in der Übergangsphase wurde nichts beantragt.",
        ],
        "B": [
            "laufende Umstrukturierung",
            "Neuorganisation des Fachbereichs",
            "Aufbau einer Fördermittelstelle",
            "Verwaltungsreform",
        ],
    },
    "FN_SONST": {
        "S": [
            "Wir finanzieren die Maßnahmen bewusst aus Eigenmitteln, das ist flexibler.",
            "Schlechte Erfahrungen mit Rückforderungen beim letzten Projekt.",
            "Bisher kein Bedarf, die Angebote freier Träger decken das ab.",
            "Das übernehmen bei uns die freien Träger, die beantragen selbst.",
            "Wir nutzen bereits mehrere Programme, weitere sind nicht geplant.",
        ],
        "B": [
            "kein Bedarf",
            "Finanzierung aus Eigenmitteln",
            "über freie Träger abgedeckt",
        ],
    },
    # ---------------- beteiligungsformate ----------------
    "BF_OFFEN": {
        "S": [
            "Stadtteilspaziergänge mit Anwohnenden, bei denen unsichere Orte gemeinsam begangen werden.",
            "Offene Workshops zu Themen wie Sauberkeit und Sicherheit im Quartier.",
            "Wir bieten regelmäßig Quartierssprechstunden direkt vor Ort an.",
            "Zukunftswerkstatt \"Unser Viertel 2030\" mit offener Teilnahme.",
            "Ein Beschwerdemanagement, über das Bürger Hinweise zu Problemorten geben können.",
            "Nächtliche Begehungen mit Bewohnerinnen, Polizei und Stadtplanung.",
            "Ein Quartierslabor, in dem Bewohner eigene Ideen ausprobieren können.",
            "Präsentationen und Infoabende mit anschließender offener Diskussion.",
            "Planspiele mit Jugendlichen zu Konflikten im öffentlichen Raum.",
            "Mängelmelder-App und gemeinsame Rundgänge mit dem Ordnungsdienst.",
        ],
        "B": [
            "Stadtteilrundgänge",
            "offene Workshops",
            "Quartierssprechstunde",
            "Zukunftswerkstatt",
            "Beschwerdemanagement",
            "Begehungen mit Anwohnern",
        ],
    },
    "BF_DIALOG": {
        "S": [
            "Runder Tisch \"Sicheres Bahnhofsviertel\" mit Polizei, Händlern und Anwohnern.",
            "Einwohnerversammlungen vor größeren Entscheidungen.",
            "Bürgersprechstunden des Ordnungsdezernenten.",
            "Ein Stadtteilforum, das alle zwei Monate tagt.",
            "Unser Sicherheitsmobil steht wöchentlich an wechselnden Plätzen und lädt zum Gespräch ein.",
            "Bürgerdialoge zu Sicherheit und Sauberkeit.",
            "Quartiersfeste, bei denen Verwaltung und Bewohner ins Gespräch kommen.",
            "Online-Dialog über die Beteiligungsplattform der Stadt.",
            "Ein Stadtteilbeirat, in dem Vereine und Bewohnerschaft vertreten sind.",
            "Bürgerforum zum Thema Nachbarschaft und Zusammenleben.",
        ],
        "B": [
            "Runder Tisch",
            "Einwohnerversammlung",
            "Bürgersprechstunde",
            "Sicherheitsmobil",
            "Stadtteilforum",
            "Bürgerdialog online",
        ],
    },
    "BF_INTEGRATION": {
        "S": [
            "Integrationsbeirat, der bei allen relevanten Themen angehört wird.",
            "Jährliche Integrationskonferenz mit Trägern, Migrantenorganisationen und Verwaltung.",
            "Interkulturelle Woche mit vielen Veranstaltungen der Vereine.",
            "Willkommensinitiative für Neuzugewanderte mit Patenschaften.",
            "Offene Treffs und Hausversammlungen in den Gemeinschaftsunterkünften für Geflüchtete.",
            "Kommunales Netzwerk Integration, in dem alle Akteure vertreten sind.",
            "Haus der Kulturen als Ort für Begegnung und Selbstorganisation von Migrantenvereinen.",
            "Woche der internationalen Nachbarschaft.",
            "Bündnis für Zusammenleben in Vielfalt.",
            "Migrationsbeirat mit gewählten Vertreter*innen.",
        ],
        "B": [
            "Integrationsbeirat",
            "Integrationskonferenz",
            "Interkulturelle Woche",
            "Netzwerk Integration",
            "Willkommensinitiative",
            "Treffs für Geflüchtete",
        ],
    },
    "BF_DEMOKRATIE": {
        "S": [
            "Demokratiekonferenz im Rahmen der Partnerschaft für Demokratie.",
            "Demokratiewerkstätten an Schulen.",
            "Ein Jugendparlament, das eigene Anträge in den Rat einbringen kann.",
            "Jugendforum der Partnerschaft für Demokratie mit eigenem Jugendfonds.",
            "Projekttage zur Demokratiebildung für Jugendliche und Multiplikatoren.",
            "Kinder- und Jugendbeteiligung über den Kinder- und Jugendbeirat.",
            "Veranstaltungsreihe gegen Rechtsextremismus und für Demokratie.",
            "U18-Wahlen und Planspiel Kommunalpolitik.",
        ],
        "B": [
            "Demokratiekonferenz",
            "Jugendparlament",
            "Partnerschaft für Demokratie",
            "Demokratiewerkstatt",
            "Jugendforum",
        ],
    },
    "BF_PLANUNG": {
        "S": [
            "Planungswerkstatt zur Neugestaltung des Marktplatzes.",
            "Beteiligung im Rahmen des integrierten Stadtentwicklungskonzepts (ISEK).",
            "Öffentlichkeitsbeteiligung bei Bebauungsplänen, teils mit zusätzlichen Infoveranstaltungen.",
            "Quartiersmanagement im Soziale-Stadt-Gebiet mit Beteiligung bei der Freiraumplanung.",
            "Bei der Umgestaltung von Spielplätzen beteiligen wir Kinder und Eltern an der Planung.",
            "Beteiligungsverfahren zur Sanierung des Bahnhofsumfelds.",
            "Planungsdialog zur Nachverdichtung im Wohngebiet.",
            "Ideenwettbewerb mit Bürgerbeteiligung zum Rahmenplan Innenstadt.",
        ],
        "B": [
            "Planungswerkstatt",
            "Beteiligung beim ISEK",
            "Beteiligung in der Bauleitplanung",
            "Quartiersmanagement Soziale Stadt",
            "Spielplatzplanung mit Kindern",
        ],
    },
    "BF_ANALYSE": {
        "S": [
            "Bürgerbefragung zum Sicherheitsempfinden alle zwei Jahre.",
            "Sicherheitsaudit im Bahnhofsumfeld, gemeinsam mit Frauenverbänden.",
            "Befragung von Geflüchteten zu ihrer Wohnsituation und Zufriedenheit.",
            "Online-Umfrage zu Angsträumen in der Stadt.",
            "Kriminalpräventive Analyse der Quartiere mit Fragebogen.",
            "Jugendbefragung zu Freizeit und Sicherheit.",
            "Sozialraumanalyse mit Interviews von Bewohnern.",
            "Befragung der Gewerbetreibenden in der Innenstadt.",
        ],
        "B": [
            "Bürgerbefragung",
            "Sicherheitsaudit",
            "Umfrage zum Sicherheitsgefühl",
            "Sozialraumanalyse",
            "Jugendbefragung",
        ],
    },
    "BF_RAUM": {
        "S": [
            "Vereine und Initiativen können städtische Räume kostenlos nutzen.",
            "Ein Bürgerhaus mit Räumen für Selbstorganisation.",
            "Ein Verfügungsfonds, aus dem Nachbarschaftsprojekte unbürokratisch unterstützt werden.",
            "Vermietung von Räumlichkeiten an Migrantenorganisationen zu günstigen Konditionen.",
            "Ein Stadtteiltreff, der von den Bewohnern selbst verwaltet wird.",
            "Bereitstellung von Flächen für Gemeinschaftsgärten.",
        ],
        "B": [
            "Räume für Vereine",
            "Bürgerhaus",
            "Verfügungsfonds",
            "Stadtteiltreff",
        ],
    },
    "BF_SONST": {
        "S": [
            "Beteiligung läuft bei uns hauptsächlich über die Ortsbeiräte.",
            "Beteiligung ist wichtig, aber sehr aufwändig und verzögert Entscheidungen.",
            "Informell, über persönliche Kontakte der Kolleg*innen im Stadtteil.",
            "Wir informieren über Presse und Amtsblatt.",
            "Beteiligungsformate liegen bei uns beim Bürgerbüro, nicht im Amt.",
        ],
        "B": [
            "Ortsbeiräte",
            "Pressearbeit",
            "informelle Kontakte",
        ],
    },
}

# Variants added for respondents 133 and later (the second wave). Respondents 1-132 are
# drawn from BANK alone, so their answers stay byte-identical; from respondent 133 on,
# every deck also holds these variants (drawn first, then cycled with the others).
BANK_EXTRA: dict[str, dict[str, list[str]]] = {
    # ---------------- chancen_vielfalt ----------------
    "CH_REFLEXION": {
        "S": [
            "Im Austausch mit Zugewanderten merken unsere Leute, wie viele Annahmen über andere Gruppen gar nicht stimmen.",
            "Vielfalt hält uns einen Spiegel vor: manches, was wir für selbstverständlich halten, ist nur Gewohnheit.",
            "Wer erlebt hat, wie anders Nachbarschaft anderswo funktioniert, bewertet Lärm auf der Straße gelassener.",
            "Unterschiedliche Sichtweisen regen dazu an, die eigenen Bilder von \"den anderen\" zu überprüfen.",
            "Schulklassen mit vielen Herkunftssprachen zeigen, wie schnell Vorbehalte verschwinden, wenn man sich kennt.",
            "Die Diskussion über Vielfalt hat bei uns eine Debatte über unbewusste Vorurteile angestoßen.",
            "Menschen mit anderer Biografie stellen Fragen, auf die wir selbst nie gekommen wären.",
        ],
        "B": [
            "Vorurteile überprüfen",
            "Selbstreflexion der Stadtgesellschaft",
            "Blick über den eigenen Tellerrand",
        ],
    },
    "CH_KONFLIKT": {
        "S": [
            "Ein Streit um den Bolzplatz ließ sich erst lösen, als Eltern aus mehreren Communities mitverhandelt haben.",
            "Mehrsprachige Konfliktlotsen können Streit im Hausflur schlichten, bevor die Polizei kommen muss.",
            "Durch gemeinsame Begehungen mit allen Beteiligten finden wir Kompromisse, die vorher niemand gesehen hat.",
            "Die Zusammenarbeit mit Moscheevereinen und Kulturvereinen hilft, Spannungen auf dem Wochenmarkt zu entschärfen.",
            "Wenn viele Gruppen ihre Sicht einbringen, wird aus einem Ordnungsproblem eine gemeinsame Aufgabe.",
            "Vermittlerinnen aus den Communities kennen die Hintergründe eines Streits oft besser als wir.",
        ],
        "B": [
            "Konfliktlotsen aus den Communities",
            "Schlichtung unter Nachbarn",
            "Aushandlung unterschiedlicher Interessen",
        ],
    },
    "CH_ZUSAMMENHALT": {
        "S": [
            "Nachbarschaftsfeste mit Essen aus vielen Ländern bringen Leute zusammen, die sich sonst nur grüßen.",
            "Wo Familien unterschiedlicher Herkunft sich gegenseitig bei der Kinderbetreuung helfen, entsteht echter Zusammenhalt.",
            "Der gemeinsame Einsatz beim Hochwasser hat gezeigt, wie solidarisch unser gemischtes Viertel ist.",
            "Vereine, in denen alle mitmachen können, sind der Kitt der Stadtgesellschaft.",
            "Gemeinschaftsgärten sind Orte, an denen Alteingesessene und Neuzugezogene ganz selbstverständlich zusammenkommen.",
            "Ein vielfältiges Quartier mit stabilen Nachbarschaften ist widerstandsfähiger gegen Kriminalität.",
        ],
        "B": [
            "Solidarität unter Nachbarn",
            "gemeinsame Feste",
            "Vereinsleben als Kitt",
        ],
    },
    "CH_SICHERHEIT": {
        "S": [
            "Seit auf dem Marktplatz abends viele Familien unterwegs sind, meldet uns kaum noch jemand den Platz als unsicher.",
            "Wer Menschen aus der Nachbarschaft persönlich kennt, fühlt sich auf dem Heimweg weniger bedroht.",
            "Vielfältige Nutzungen im Park sorgen dafür, dass dort fast immer jemand ist – das beruhigt viele.",
            "Orte, die früher gemieden wurden, werden durch neue Treffpunkte und Geschäfte wieder angenommen.",
            "Das Unsicherheitsgefühl hat weniger mit Kriminalität zu tun als mit Fremdheit – und Fremdheit baut sich ab.",
            "Kioske und Imbisse, die bis spät geöffnet sind, werden von vielen als sichere Anlaufstelle erlebt.",
        ],
        "B": [
            "sicherere Wege durch belebte Straßen",
            "weniger gemiedene Orte",
            "Sicherheitsempfinden durch Bekanntschaft",
        ],
    },
    "CH_VERWALTUNG": {
        "S": [
            "Kolleginnen, die Arabisch oder Türkisch sprechen, lösen im Bürgerbüro viele Missverständnisse direkt auf.",
            "Seit unser Ordnungsdienst gemischter besetzt ist, werden Kontrollen seltener als Schikane empfunden.",
            "Ein vielfältiges Team bemerkt früher, wenn ein Angebot der Stadt bestimmte Gruppen ausschließt.",
            "Wir werben gezielt Nachwuchs mit Migrationsgeschichte an, das verändert den Blick im ganzen Amt.",
            "Diversitätsschulungen haben bei uns dazu geführt, dass Formulare und Aushänge verständlicher geworden sind.",
            "Beschäftigte aus den Communities sind Brückenbauer zwischen Verwaltung und Stadtgesellschaft.",
        ],
        "B": [
            "vielfältige Teams im Außendienst",
            "Nachwuchsgewinnung mit Migrationsgeschichte",
            "Sprachkompetenz im Bürgerbüro",
        ],
    },
    "CH_SONST": {
        "S": [
            "Neue Restaurants und Läden haben leerstehende Ladenlokale wieder gefüllt.",
            "Zuzug sichert den Bestand von Schulen und Kitas in den kleineren Ortsteilen.",
            "Ein direkter Bezug zur Sicherheit ist für uns nicht erkennbar.",
            "Internationale Studierende beleben den Hochschulstandort.",
        ],
        "B": [
            "Belebung leerer Ladenlokale",
            "Sicherung von Schulstandorten",
        ],
    },
    # ---------------- herausforderungen_vielfalt ----------------
    "HE_WERTE": {
        "S": [
            "Beim Grillen im Park stoßen ganz unterschiedliche Vorstellungen von Rücksicht und Nachtruhe zusammen.",
            "Was als angemessener Umgang zwischen Männern und Frauen gilt, wird in den Gruppen sehr verschieden gesehen.",
            "Für die einen ist eine Gruppe junger Männer auf dem Platz harmlos, für andere ein Grund, den Platz zu meiden.",
            "Die Erwartungen an Sauberkeit im Hausflur gehen so weit auseinander, dass Hausverwaltungen uns einschalten.",
            "Strenge religiöse Vorstellungen einzelner Gruppen kollidieren mit einer liberalen Stadtgesellschaft.",
            "Was man in der Öffentlichkeit tun darf, wird je nach Herkunft und Generation ganz anders beurteilt.",
        ],
        "B": [
            "verschiedene Vorstellungen von Rücksicht",
            "Reibung zwischen Lebensstilen",
            "abweichende Rollenbilder",
        ],
    },
    "HE_VERUNSICHERUNG": {
        "S": [
            "Nach einem Messerangriff in der Nachbarstadt waren die Bürgersprechstunden tagelang von Angst bestimmt.",
            "Alteingesessene erzählen uns, dass sie ihren Stadtteil nicht mehr wiedererkennen und sich zurückziehen.",
            "Hetze in Facebook-Gruppen der Stadt verbreitet sich schneller, als wir reagieren können.",
            "Übergriffe auf Unterkünfte für Geflüchtete haben die Bewohner dort tief verunsichert.",
            "Viele fühlen sich von der Geschwindigkeit der Veränderungen überrollt und reagieren mit Abwehr.",
            "Einzelne Straftaten werden in der öffentlichen Debatte zum Beleg für eine angebliche Gefahr durch Zuwanderung.",
        ],
        "B": [
            "Hetze im Netz",
            "Angst vor Veränderung",
            "Anfeindungen gegen Geflüchtete",
        ],
    },
    "HE_SEGMENTIERUNG": {
        "S": [
            "In den Hochhaussiedlungen am Stadtrand leben bestimmte Gruppen fast ohne Berührung mit dem Rest der Stadt.",
            "Jugendgruppen grenzen sich entlang der Herkunft voneinander ab und beanspruchen eigene Plätze.",
            "Einzelne Großfamilien lösen Konflikte nach eigenen Regeln, an den Behörden vorbei.",
            "Die Wohnungsvergabe hat über Jahre dazu geführt, dass sich Armut in wenigen Blöcken konzentriert.",
            "Politische Spannungen zwischen Herkunftsgruppen tragen sich bis in unsere Vereine und Schulen.",
            "Es gibt Viertel, in die kaum noch jemand von außen zieht, und Viertel, aus denen alle wegwollen.",
        ],
        "B": [
            "Abschottung von Communities",
            "räumliche Konzentration von Armut",
            "Konflikte aus Herkunftsländern",
        ],
    },
    "HE_KOMMUNIKATION": {
        "S": [
            "Unsere Aushänge und Bescheide werden von vielen Adressaten schlicht nicht verstanden.",
            "Ohne Sprachmittlung ist eine Anhörung im Ordnungswidrigkeitenverfahren kaum fair zu führen.",
            "Informationen der Stadt erreichen Neuzugezogene meist erst über Umwege und oft verzerrt.",
            "Manche Gruppen meiden jeden Kontakt mit dem Amt, weil sie Nachteile für ihren Aufenthalt befürchten.",
            "Für viele Sprachen finden wir schlicht keine Übersetzer, schon gar nicht am Wochenende.",
            "Zu Bürgerversammlungen kommen fast nur die Alteingesessenen, die anderen erreichen wir nicht.",
        ],
        "B": [
            "unverständliche Bescheide",
            "fehlende Sprachmittlung",
            "Kontaktscheu gegenüber dem Amt",
        ],
    },
    "HE_SONST": {
        "S": [
            "Die Personaldecke im Ordnungsdienst reicht nicht für Streifen in allen Stadtteilen.",
            "Wichtiger als Vielfalt ist bei uns das Thema Armut.",
            "Die Kooperation mit der Landespolizei ist schwierig, weil die Reviere ständig umgebaut werden.",
        ],
        "B": [
            "zu wenig Streifen",
            "Armut als Hauptproblem",
        ],
    },
    # ---------------- gruende_nichtnutzung ----------------
    "FN_PERSONAL": {
        "S": [
            "Wer soll ein Förderprojekt betreuen, wenn schon die Regelaufgaben liegen bleiben?",
            "Bei uns gibt es keine eigene Stelle für Fördermittelmanagement.",
            "Nach zwei Kündigungen im Team ist an zusätzliche Projekte nicht zu denken.",
            "Für die Projektleitung fehlt uns qualifiziertes Personal.",
            "Die eine Kollegin, die Anträge schreiben konnte, ist in Elternzeit.",
            "Projektstellen auf zwei Jahre befristet bekommen wir nicht besetzt.",
        ],
        "B": [
            "keine Stelle für Fördermittelmanagement",
            "unbesetzte Stellen im Team",
            "Personalmangel",
        ],
    },
    "FN_ZEIT": {
        "S": [
            "Die Antragsfristen sind so knapp, dass wir sie neben dem Tagesgeschäft nicht schaffen.",
            "Der Verwendungsnachweis kostet am Ende mehr Zeit als das eigentliche Projekt.",
            "Für einen Antrag braucht man Wochen, die Bewilligungsquote ist gering – das lohnt sich kaum.",
            "Die Dokumentationspflichten sind unverhältnismäßig für die kleinen Summen.",
            "Zwischenberichte, Mittelabrufe, Prüfungen: der Verwaltungsaufwand frisst die Förderung auf.",
            "Die Aufrufe kommen oft kurz vor den Sommerferien mit Frist von wenigen Wochen.",
        ],
        "B": [
            "knappe Antragsfristen",
            "aufwändige Verwendungsnachweise",
            "Berichtspflichten",
        ],
    },
    "FN_FINANZEN": {
        "S": [
            "Den geforderten Eigenanteil von zwanzig Prozent können wir im Haushalt nicht darstellen.",
            "Die Kommunalaufsicht genehmigt keine neuen freiwilligen Ausgaben, auch nicht als Kofinanzierung.",
            "Nach Ende der Förderung müssten wir die Kosten selbst tragen, das können wir nicht zusagen.",
            "Die Vorfinanzierung bis zur Auszahlung der Fördermittel ist für uns nicht machbar.",
            "Wir sind in der Haushaltssicherung, da ist jeder Eigenanteil ein Problem.",
            "Folgekosten für Personal und Unterhalt sind in den Programmen nicht förderfähig.",
        ],
        "B": [
            "Eigenanteil nicht finanzierbar",
            "Vorfinanzierung",
            "Folgekosten nach Förderende",
        ],
    },
    "FN_FORMAL": {
        "S": [
            "Unser letzter Antrag wurde wegen eines fehlenden Formblatts abgelehnt.",
            "Die Fördervoraussetzungen schließen Städte unserer Größe aus.",
            "Wir durften nicht beantragen, weil das Projekt schon begonnen hatte.",
            "Die Kriterien sind so eng gefasst, dass kaum ein Vorhaben darunter passt.",
            "Zweimal abgelehnt, ohne nachvollziehbare Begründung – danach haben wir es aufgegeben.",
            "Als Kommune sind wir bei manchen Programmen gar nicht antragsberechtigt, nur freie Träger.",
        ],
        "B": [
            "abgelehnte Anträge",
            "keine Antragsberechtigung",
            "zu enge Förderkriterien",
        ],
    },
    "FN_POLITIK": {
        "S": [
            "Der Stadtrat hat einen Antrag auf Bundesförderung für ein Integrationsprojekt abgelehnt.",
            "Die Mehrheit im Rat will das Thema Vielfalt nicht weiter aufwerten.",
            "Ohne Ratsbeschluss dürfen wir keine Anträge stellen, und der kommt nicht zustande.",
            "Die Verwaltungsspitze hält solche Projekte politisch für nicht vermittelbar.",
            "Im Wahljahr wollte niemand im Rat ein Projekt zu Migration unterstützen.",
        ],
        "B": [
            "Ratsmehrheit dagegen",
            "politisch nicht gewollt",
            "kein Ratsbeschluss",
        ],
    },
    "FN_PASSUNG": {
        "S": [
            "Die Programme sind auf Großstädte zugeschnitten, unsere Probleme sind ganz andere.",
            "Gefördert werden immer neue Modellprojekte, wir bräuchten aber Geld für das, was schon läuft.",
            "Die Förderschwerpunkte gehen an unserem Bedarf im ländlichen Raum vorbei.",
            "Was wir eigentlich brauchen, nämlich Personal für die Streetwork, fördert kein Programm.",
            "Die Programmlogik passt nicht zu dauerhaften Aufgaben wie der Integrationsarbeit.",
            "Es gibt kein Programm, das unseren konkreten Bedarf im Quartier abdeckt.",
        ],
        "B": [
            "auf Großstädte zugeschnitten",
            "nur Modellprojekte",
            "kein passendes Programm",
        ],
    },
    "FN_WISSEN": {
        "S": [
            "Wir erfahren von passenden Programmen oft erst, wenn die Frist schon abgelaufen ist.",
            "Die Förderlandschaft ist so unübersichtlich, dass niemand bei uns den Überblick hat.",
            "Es fehlt eine zentrale Stelle im Haus, die Förderaufrufe sichtet und weiterleitet.",
            "Welche Programme es für Prävention gibt, wissen wir ehrlich gesagt nicht.",
            "Die Informationen über Förderungen sind auf zu viele Portale verteilt.",
        ],
        "B": [
            "unübersichtliche Förderlandschaft",
            "keine Fördermittelrecherche",
            "Programme nicht bekannt",
        ],
    },
    "FN_UMSTRUKT": {
        "S": [
            "Nach der Neuordnung der Dezernate ist noch nicht geklärt, wer für Förderanträge zuständig ist.",
            "Wir wurden mit dem Sozialamt zusammengelegt, seitdem ruhen neue Vorhaben.",
            "Im Zuge der Verwaltungsreform wurden die Zuständigkeiten für Prävention neu verteilt.",
            "Der Fachbereich befindet sich im Aufbau, Förderanträge kommen später.",
        ],
        "B": [
            "Neuordnung der Dezernate",
            "Fachbereich im Aufbau",
        ],
    },
    "FN_SONST": {
        "S": [
            "Wir haben bislang schlicht keinen Bedarf gesehen.",
            "Das läuft über den Landkreis, nicht über die Stadt.",
            "Die Projekte werden bei uns von freien Trägern beantragt.",
        ],
        "B": [
            "kein Bedarf",
            "Zuständigkeit beim Kreis",
        ],
    },
    # ---------------- beteiligungsformate ----------------
    "BF_OFFEN": {
        "S": [
            "Offene Bürgerdialoge in den Stadtteilen, zu denen jede und jeder kommen kann.",
            "Eine Ideenplattform im Internet, auf der Vorschläge gesammelt und kommentiert werden.",
            "Bürgerwerkstätten zu Sicherheit und Sauberkeit mit anschließender Abstimmung der Vorschläge.",
            "Ein Bürgerrat mit zufällig ausgewählten Einwohnerinnen und Einwohnern.",
            "Offene Ortsteilrunden, in denen Anliegen direkt mit der Verwaltung besprochen werden.",
        ],
        "B": [
            "Bürgerwerkstätten",
            "Ideenplattform online",
            "Bürgerrat",
        ],
    },
    "BF_DIALOG": {
        "S": [
            "Sicherheitspartnerschaft mit regelmäßigen Gesprächsrunden zwischen Polizei, Stadt und Gewerbetreibenden.",
            "Das \"Sicherheitsmobil\" hält wöchentlich auf zentralen Plätzen, Bürgerinnen und Bürger können Anliegen direkt loswerden.",
            "Nachbarschaftsgespräche nach Konflikten, moderiert von der Stadt.",
            "Ein Dialogforum zwischen Anwohnern und der Gastronomie in der Altstadt.",
            "Kiezgespräche mit dem Ordnungsdienst und der Polizei einmal im Quartal.",
        ],
        "B": [
            "Sicherheitspartnerschaft",
            "Kiezgespräche",
            "Dialogforum Altstadt",
        ],
    },
    "BF_INTEGRATION": {
        "S": [
            "Der Migrationsbeirat wird bei allen Vorlagen zu Integration angehört.",
            "Ein Netzwerk der Migrantenorganisationen, das die Stadt zweimal jährlich einlädt.",
            "Sprachcafés und Patenschaftsprogramme, organisiert vom Integrationsbüro.",
            "Beteiligungsworkshops mit Geflüchteten zur Gestaltung der Unterkünfte.",
            "Ein Integrationskonzept, das gemeinsam mit Vereinen und Communities erarbeitet wurde.",
        ],
        "B": [
            "Migrationsbeirat",
            "Netzwerk Migrantenorganisationen",
            "Sprachcafés",
        ],
    },
    "BF_DEMOKRATIE": {
        "S": [
            "Ein Kinder- und Jugendbeirat mit eigenem Budget.",
            "Projekttage zu Demokratie und Vielfalt an den weiterführenden Schulen.",
            "Planspiele Kommunalpolitik für Jugendliche im Rathaus.",
            "Die Partnerschaft für Demokratie fördert Aktionen gegen Rassismus und Extremismus.",
        ],
        "B": [
            "Kinder- und Jugendbeirat",
            "Planspiel Kommunalpolitik",
            "Partnerschaft für Demokratie",
        ],
    },
    "BF_PLANUNG": {
        "S": [
            "Bürgerbeteiligung bei der Umgestaltung des Bahnhofsvorplatzes mit mehreren Planungsrunden.",
            "Frühzeitige Beteiligung bei der Rahmenplanung für das Neubaugebiet.",
            "Ein Beteiligungsverfahren zum Spielplatzkonzept mit Kindern und Eltern.",
            "Workshops zur Verkehrsberuhigung in den Wohnstraßen.",
            "Stadtteilentwicklungskonzept mit Online- und Vor-Ort-Beteiligung.",
        ],
        "B": [
            "Rahmenplanung mit Beteiligung",
            "Spielplatzplanung mit Kindern",
            "Stadtteilentwicklungskonzept",
        ],
    },
    "BF_ANALYSE": {
        "S": [
            "Eine repräsentative Befragung zum Zusammenleben in der Stadt.",
            "Ein Frauen-Sicherheitsaudit mit nächtlicher Begehung.",
            "Wir werten regelmäßig die Meldungen im Mängelmelder aus.",
            "Eine Jugendbefragung zu Freizeitorten und unsicheren Orten.",
        ],
        "B": [
            "Befragung zum Zusammenleben",
            "Frauen-Sicherheitsaudit",
            "Jugendbefragung",
        ],
    },
    "BF_RAUM": {
        "S": [
            "Ein Stadtteiltreff, den Initiativen für eigene Veranstaltungen nutzen können.",
            "Schulräume stehen abends Vereinen offen.",
            "Ein Quartiersfonds für kleine Nachbarschaftsprojekte.",
            "Leerstehende Läden werden als Treffpunkte an Initiativen vergeben.",
        ],
        "B": [
            "Stadtteiltreff",
            "Quartiersfonds",
            "Räume für Vereine",
        ],
    },
    "BF_SONST": {
        "S": [
            "Über die Sozialen Medien der Stadt.",
            "Beteiligung ist bei uns Aufgabe des Bürgermeisters.",
            "Derzeit keine eigenen Formate, das machen die Träger.",
        ],
        "B": [
            "Social Media",
            "Amtsblatt",
        ],
    },
}

GROUP_CATS = {
    "chancen_vielfalt": ["CH_REFLEXION", "CH_KONFLIKT", "CH_ZUSAMMENHALT", "CH_SICHERHEIT", "CH_VERWALTUNG", "CH_SONST"],
    "herausforderungen_vielfalt": ["HE_WERTE", "HE_VERUNSICHERUNG", "HE_SEGMENTIERUNG", "HE_KOMMUNIKATION", "HE_SONST"],
    "gruende_nichtnutzung": ["FN_PERSONAL", "FN_ZEIT", "FN_FINANZEN", "FN_FORMAL", "FN_POLITIK", "FN_PASSUNG",
                             "FN_WISSEN", "FN_UMSTRUKT", "FN_SONST"],
    "beteiligungsformate": ["BF_OFFEN", "BF_DIALOG", "BF_INTEGRATION", "BF_DEMOKRATIE", "BF_PLANUNG", "BF_ANALYSE",
                            "BF_RAUM", "BF_SONST"],
}

# Category weights per office (same order as GROUP_CATS).
WEIGHTS = {
    "chancen_vielfalt": {
        "Ordnung": [1, 2, 2, 4, 3, 1.5],
        "Stadtplanung": [1, 2, 3, 3.5, 1, 1.2],
        "Soziales": [2, 3, 3.5, 1.5, 2, 0.6],
        "Jugend": [3, 3, 3, 1, 1.5, 0.6],
        "Integration": [4, 2.5, 3, 1, 3, 0.5],
    },
    "herausforderungen_vielfalt": {
        "Ordnung": [3, 1.5, 4, 3, 0.8],
        "Stadtplanung": [1.5, 2, 4, 2, 0.8],
        "Soziales": [2, 2, 2, 4, 0.7],
        "Jugend": [2.5, 3, 2.5, 3, 0.6],
        "Integration": [2, 4, 1.5, 3, 0.6],
    },
    "gruende_nichtnutzung": {
        "Ordnung": [6, 2.5, 2, 2, 1, 5, 2, 1, 0.8],
        "Stadtplanung": [5, 2.5, 3.5, 2, 1, 3.5, 1, 1.5, 0.8],
        "Soziales": [6, 2.5, 3, 1.5, 1.5, 3.5, 2, 1.5, 0.8],
        "Jugend": [6, 2.5, 2.5, 1.5, 1, 4, 2, 1, 0.8],
        "Integration": [6, 2.5, 2.5, 2, 2.5, 4, 2, 1, 0.8],
    },
    "beteiligungsformate": {
        "Ordnung": [2, 4, 0.8, 0.5, 1, 3, 0.5, 1],
        "Stadtplanung": [4, 2, 0.5, 0.5, 4.5, 2, 1, 0.7],
        "Soziales": [3, 3, 2, 1, 1, 1, 2, 0.7],
        "Jugend": [3, 2.5, 1.5, 3.5, 1, 1, 1.5, 0.7],
        "Integration": [1.5, 2.5, 4.5, 2, 0.5, 1, 1.5, 0.6],
    },
}

# Probability that the respondent answered the question at all.
P_ANSWER = {"chancen_vielfalt": 0.9, "herausforderungen_vielfalt": 0.88,
            "gruende_nichtnutzung": 0.74, "beteiligungsformate": 0.8}
P_NONSUBSTANTIVE = 0.05
NONSUBSTANTIVE = ["k.A.", "-", "weiß nicht", "weiß nicht", "keine", "entfällt", "?", "nicht bekannt", "--", "kA", "Keine."]
NONSUB_LATER = ["siehe oben", "s.o.", "siehe oben.", "vgl. Frage 1"]

OFFICES = {"Ordnung": 32, "Stadtplanung": 20, "Soziales": 24, "Jugend": 21, "Integration": 35}
# Second wave (respondents 133-340), same office mix: 82/52/62/54/90 in all.
OFFICES_WAVE2 = {"Ordnung": 50, "Stadtplanung": 32, "Soziales": 38, "Jugend": 33, "Integration": 55}
MAX_DRAFTS = 80
NEAR_DUPLICATE = 0.8
SIZE_CLASSES = (["20.000-50.000"] * 7 + ["50.000-100.000"] * 6 + [">100.000"] * 7)

OPENERS = {
    "chancen_vielfalt": ["Aus Sicht unseres Amtes:", "Grundsätzlich sehen wir durchaus Chancen.",
                         "Wir sehen vor allem folgende Punkte:", "Schwierige Frage.", "Aus unserer Praxis:"],
    "herausforderungen_vielfalt": ["Die größten Herausforderungen:", "Aus Sicht der Praxis:", "Da gibt es einige.",
                                   "Vor allem:", "Ganz ehrlich:"],
    "gruende_nichtnutzung": ["Hauptgründe:", "Bei uns:", "Ganz klar:", "Mehrere Gründe.", "Kurz gesagt:"],
    "beteiligungsformate": ["Wir nutzen u.a.:", "Bei uns gibt es:", "Folgende Formate:", "Unter anderem:",
                            "Aktuell:"],
}
CONNECTORS = [" ", " ", " ", " Außerdem: ", " Daneben: ", " Und: ", " Zudem gilt: ", "\n"]

ABBREV = [
    ("zum Beispiel", "z.B."), ("Mitarbeitende", "MA"), ("Mitarbeiter", "MA"), ("gegebenenfalls", "ggf."),
    ("beziehungsweise", "bzw."), ("vor allem", "v.a."), ("insbesondere", "insb."), ("Oberbürgermeisters", "OB"),
    ("Bürgerinnen und Bürger", "Bürger*innen"), ("Kolleginnen und Kollegen", "Kolleg*innen"),
    ("Prozent", "%"), ("unter anderem", "u.a."), (" und ", " u. "),
]


# Light paraphrasing so that respondents reusing a variant do not write it verbatim.
SYNONYMS = [
    (r"\bim Quartier\b", ["im Viertel", "im Stadtteil", "vor Ort"]),
    (r"\bQuartier\b", ["Viertel", "Wohngebiet"]),
    (r"\bBewohner\b", ["Anwohner", "Bewohner*innen"]),
    (r"\bMenschen\b", ["Leute", "Personen"]),
    (r"\bschlicht\b", ["einfach", "leider"]),
    (r"\bhäufig\b", ["oft"]),
    (r"\berheblich\b", ["deutlich", "massiv"]),
    (r"\bimmer wieder\b", ["regelmäßig", "ständig"]),
    (r"\bVerwaltung\b", ["Stadtverwaltung", "Kommunalverwaltung"]),
    (r"\bder Stadt\b", ["der Kommune"]),
    (r"\bZugewanderten\b", ["Migranten", "Migrant*innen"]),
    (r"\bZugewanderte\b", ["Migranten", "Eingewanderte"]),
    (r"\bGeflüchteten\b", ["Flüchtlingen"]),
    (r"\bGeflüchtete\b", ["Flüchtlinge"]),
    (r"\bMigrantenorganisationen\b", ["Migrantenselbstorganisationen", "MSO"]),
    (r"\bim öffentlichen Raum\b", ["auf öffentlichen Plätzen", "im Stadtraum"]),
    (r"\bKonflikte\b", ["Spannungen", "Streitigkeiten"]),
    (r"\bProgramme\b", ["Förderprogramme", "Förderangebote"]),
    (r"\bOrdnungsamt\b", ["OA", "Ordnungsamt"]),
    (r"\bProblem\b", ["Hauptproblem"]),
    (r"\bsehr\b", ["ziemlich", "extrem"]),
    (r"\bgroßen\b", ["größeren"]),
    (r"\bInnenstadt\b", ["City", "Fußgängerzone"]),
    (r"\bStadtteil\b", ["Ortsteil", "Kiez"]),
    (r"\bwichtig\b", ["zentral"]),
    (r"\bAnwohnern\b", ["Nachbarn", "Anliegern"]),
]
SUFFIXES = {
    "chancen_vielfalt": ["Das zeigt sich bei uns vor allem in der Innenstadt.", "Zumindest ist das unsere Erfahrung.",
                         "Das gilt aber nicht überall gleichermaßen.", "(Erfahrung aus der Praxis)",
                         "Das erleben wir im Alltag immer wieder.", "Das braucht allerdings Zeit."],
    "herausforderungen_vielfalt": ["Das betrifft bei uns v.a. zwei Stadtteile.", "Das nimmt seit einigen Jahren zu.",
                                   "Das ist allerdings kein flächendeckendes Phänomen.", "Tendenz steigend.",
                                   "Vor allem in den Sommermonaten.", "Das beschäftigt uns fast täglich."],
    "gruende_nichtnutzung": ["Das gilt für fast alle Programme.", "So war es jedenfalls beim letzten Aufruf.",
                             "Leider.", "Daran wird sich kurzfristig nichts ändern.",
                             "Wir würden gern mehr beantragen.", "Das ist seit Jahren so."],
    "beteiligungsformate": ["Das läuft seit einigen Jahren.", "(mit wechselndem Erfolg)", "Die Resonanz ist gemischt.",
                            "Wird gut angenommen.", "Seit 2022.", "Geplant ist eine Ausweitung."],
}


def paraphrase(text: str, rng: random.Random, p: float = 0.45) -> str:
    for pat, alts in SYNONYMS:
        if rng.random() < p:
            text = re.sub(pat, lambda m: rng.choice(alts), text, count=1)
    return text


class Deck:
    """Cycle through the variants of a category in shuffled order."""

    def __init__(self, items: list[str], rng: random.Random) -> None:
        self.items = list(items)
        self.rng = rng
        self.pile: list[str] = []

    def draw(self, avoid: set[str] | None = None) -> str:
        for _ in range(len(self.items) + 1):
            if not self.pile:
                self.pile = list(self.items)
                self.rng.shuffle(self.pile)
            item = self.pile.pop()
            if not avoid or item not in avoid:
                return item
        return item

    def draw_p(self, avoid: set[str] | None = None) -> str:
        return paraphrase(self.draw(avoid), self.rng)


def lose_umlauts(text: str, rng: random.Random) -> str:
    if rng.random() < 0.6:  # transliteration as typed on a keyboard without umlauts
        table = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
    else:  # encoding damage: diacritics stripped, ß lost
        table = {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": ""}
    return "".join(table.get(c, c) for c in text)


def typo(text: str, rng: random.Random) -> str:
    words = [m for m in re.finditer(r"[A-Za-zäöüÄÖÜß]{6,}", text)]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.5:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]  # swap
    elif kind < 0.8:
        w2 = w[:i] + w[i + 1:]  # drop
    else:
        w2 = w[:i] + w[i] + w[i:]  # double
    return text[:m.start()] + w2 + text[m.end():]


def noisify(text: str, rng: random.Random) -> str:
    for long, short in ABBREV:
        p = 0.06 if long == " und " else 0.4
        if long in text and rng.random() < p:
            text = text.replace(long, short, 1)
    if rng.random() < 0.12 and len(text) > 25:
        text = typo(text, rng)
    if rng.random() < 0.1:
        text = lose_umlauts(text, rng)
    if rng.random() < 0.25 and text.endswith("."):
        text = text[:-1]
    if rng.random() < 0.05 and text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    if rng.random() < 0.04:
        text = text.replace(". ", ".  ", 1)
    if rng.random() < 0.03:
        text = text + " "
    return text


def bullet_block(items: list[str], rng: random.Random, opener: str | None) -> str:
    style = rng.choice(["- ", "- ", "- ", "* ", "\u2022 ", "num"])
    lines = []
    for k, it in enumerate(items, 1):
        lines.append(f"{k}) {it}" if style == "num" else style + it)
    if opener:
        lines.insert(0, opener)
    return "\n".join(lines)


def render(question: str, cats: list[str], decks: dict, rng: random.Random) -> str:
    """Compose one answer that is about exactly the categories in `cats`."""
    sonst = any(c.endswith("_SONST") for c in cats)
    opener = rng.choice(OPENERS[question]) if rng.random() < 0.18 and not sonst else None
    if len(cats) == 1:
        c = cats[0]
        r = rng.random()
        if r < 0.55:
            text = decks[c]["S"].draw_p()
        elif r < 0.7:
            a = decks[c]["S"].draw_p()
            text = a + " " + decks[c]["S"].draw_p({a})
        elif r < 0.8:
            a = decks[c]["B"].draw()
            return noisify(bullet_block([a, decks[c]["B"].draw({a})], rng, opener), rng)
        else:
            text = decks[c]["B"].draw()
            text = text[0].upper() + text[1:] if rng.random() < 0.7 else text
            return noisify(text, rng)
    else:
        r = rng.random()
        if r < 0.55:
            parts = [decks[c]["S"].draw_p() for c in cats]
            text = parts[0]
            for p in parts[1:]:
                text += rng.choice(CONNECTORS) + p
        elif r < 0.85:
            return noisify(bullet_block([decks[c]["B"].draw() for c in cats], rng, opener), rng)
        else:
            items = [decks[c]["B"].draw() for c in cats]
            sep = rng.choice([", ", "; ", " / ", ", "])
            text = sep.join(items)
            return noisify(text[0].upper() + text[1:], rng)
    if opener:
        text = opener + (" " if rng.random() < 0.7 else "\n") + text
    if rng.random() < 0.2 and not sonst:
        text = text.rstrip(".") + ". " + rng.choice(SUFFIXES[question])
    return noisify(text, rng)


def pick_categories(question: str, office: str, rng: random.Random) -> list[str]:
    cats = GROUP_CATS[question]
    w = WEIGHTS[question][office]
    first = rng.choices(cats, weights=w)[0]
    out = [first]
    n_extra = 0
    if not first.endswith("_SONST"):
        r = rng.random()
        n_extra = 2 if r < 0.05 else (1 if r < 0.33 else 0)
    for _ in range(n_extra):
        rest = [(c, wi) for c, wi in zip(cats, w) if c not in out and not c.endswith("_SONST")]
        out.append(rng.choices([c for c, _ in rest], weights=[wi for _, wi in rest])[0])
    return out


def word_set(text: str) -> set[str]:
    return set(re.findall(r"[a-zäöüß]+", text.lower()))


def overlap(a: set[str], b: set[str]) -> float:
    """Share of words two answers have in common (relative to the longer one)."""
    return len(a & b) / max(len(a), len(b)) if a and b else 0.0


def make_survey(rng: random.Random):
    decks = {c: {k: Deck(v, rng) for k, v in b.items()} for c, b in BANK.items()}
    offices = [o for o, n in OFFICES.items() for _ in range(n)]
    rng.shuffle(offices)
    # municipalities: pseudonymised as in published survey data
    labels = [f"Stadt {chr(65 + i)}" for i in range(26)] + [f"Stadt A{chr(65 + i)}" for i in range(26)]
    kommunen = {lab: rng.choice(SIZE_CLASSES) for lab in labels}
    used: dict[str, set[str]] = {lab: set() for lab in labels}
    rows, gold = [], {}
    seen = {q: set() for q in QUESTIONS}
    words: dict[str, list[set[str]]] = {q: [] for q in QUESTIONS}

    def respond(lfd: int, office: str, wave2: bool) -> None:
        candidates = [k for k in labels if office not in used[k]]
        # prefer municipalities that already answered (several offices per town)
        weights = [1 + 2 * len(used[k]) if len(used[k]) < 4 else 0.2 for k in candidates]
        kom = rng.choices(candidates, weights=weights)[0]
        used[kom].add(office)
        row = {"lfd_nr": str(lfd), "kommune": kom, "amt": office, "einwohner_klasse": kommunen[kom]}
        for qi, q in enumerate(QUESTIONS):
            if rng.random() >= P_ANSWER[q]:
                row[q] = ""
                continue
            if rng.random() < P_NONSUBSTANTIVE:
                pool = NONSUBSTANTIVE + (NONSUB_LATER if qi > 0 else [])
                row[q] = rng.choice(pool)
                continue
            if not wave2:
                for _ in range(30):
                    cats = pick_categories(q, office, rng)
                    text = render(q, cats, decks, rng)
                    if text.strip().lower() not in seen[q]:
                        break
            else:
                # Second wave: never identical, and no answer sharing >= 80 % of its
                # words with an earlier answer to the same question (else the least
                # similar of the drafts).
                best = None
                for _ in range(MAX_DRAFTS):
                    cats = pick_categories(q, office, rng)
                    text = render(q, cats, decks, rng)
                    if text.strip().lower() in seen[q]:
                        continue
                    ws = word_set(text)
                    sim = max((overlap(ws, o) for o in words[q]), default=0.0)
                    if best is None or sim < best[0]:
                        best = (sim, cats, text)
                    if sim < NEAR_DUPLICATE:
                        break
                assert best is not None, (lfd, q)
                _, cats, text = best
            seen[q].add(text.strip().lower())
            words[q].append(word_set(text))
            row[q] = text
            gold[(lfd, q)] = cats
        rows.append(row)

    for lfd, office in enumerate(offices, 1):
        respond(lfd, office, wave2=False)

    # Second wave (respondents 133 ..): more variants, more towns, same office mix.
    for c, kinds in BANK_EXTRA.items():
        for k, items in kinds.items():
            new = list(items)
            rng.shuffle(new)
            deck = decks[c][k]
            deck.items += new
            deck.pile += new  # drawn first (pop() takes from the end)
    more = [f"Stadt {a}{chr(65 + i)}" for a in "BCD" for i in range(26)]
    for lab in more:
        kommunen[lab] = rng.choice(SIZE_CLASSES)
        used[lab] = set()
    labels += more
    offices2 = [o for o, n in OFFICES_WAVE2.items() for _ in range(n)]
    rng.shuffle(offices2)
    for lfd, office in enumerate(offices2, len(offices) + 1):
        respond(lfd, office, wave2=True)
    return rows, gold


def write_survey(rows) -> None:
    cols = ["lfd_nr", "kommune", "amt", "einwohner_klasse"] + QUESTIONS
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=cols, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(rows)
    (HERE / "kommunalbefragung.csv").write_bytes(buf.getvalue().encode("cp1252"))


# ---------------------------------------------------------------------------
# Disagreement model for the second coder.
# ---------------------------------------------------------------------------
NEIGHBOURS = {
    "CH_REFLEXION": ["CH_ZUSAMMENHALT", "CH_VERWALTUNG"], "CH_KONFLIKT": ["CH_ZUSAMMENHALT", "CH_REFLEXION"],
    "CH_ZUSAMMENHALT": ["CH_SICHERHEIT", "CH_REFLEXION"], "CH_SICHERHEIT": ["CH_ZUSAMMENHALT"],
    "CH_VERWALTUNG": ["CH_REFLEXION"], "CH_SONST": ["CH_ZUSAMMENHALT"],
    "HE_WERTE": ["HE_SEGMENTIERUNG", "HE_VERUNSICHERUNG"], "HE_VERUNSICHERUNG": ["HE_WERTE"],
    "HE_SEGMENTIERUNG": ["HE_WERTE"], "HE_KOMMUNIKATION": ["HE_WERTE", "HE_SEGMENTIERUNG"],
    "HE_SONST": ["HE_KOMMUNIKATION"],
    "FN_PERSONAL": ["FN_ZEIT"], "FN_ZEIT": ["FN_PERSONAL", "FN_WISSEN"], "FN_FINANZEN": ["FN_POLITIK", "FN_PASSUNG"],
    "FN_FORMAL": ["FN_PASSUNG"], "FN_POLITIK": ["FN_FINANZEN"], "FN_PASSUNG": ["FN_FORMAL"],
    "FN_WISSEN": ["FN_ZEIT"], "FN_UMSTRUKT": ["FN_PERSONAL"], "FN_SONST": ["FN_PASSUNG"],
    "BF_OFFEN": ["BF_DIALOG", "BF_PLANUNG"], "BF_DIALOG": ["BF_OFFEN", "BF_INTEGRATION"],
    "BF_INTEGRATION": ["BF_DIALOG"], "BF_DEMOKRATIE": ["BF_OFFEN"], "BF_PLANUNG": ["BF_OFFEN"],
    "BF_ANALYSE": ["BF_OFFEN"], "BF_RAUM": ["BF_INTEGRATION", "BF_SONST"], "BF_SONST": ["BF_DIALOG"],
    "TK_GOVERNANCE": ["TK_LEITUNG", "TK_KOOPERATION"], "TK_LEITUNG": ["TK_GOVERNANCE"],
    "TK_SYSTEM": ["TK_WISSEN"], "TK_REFLEXION": ["TK_WISSEN"], "TK_KOOPERATION": ["TK_GOVERNANCE"],
    "TK_WISSEN": ["TK_REFLEXION"], "TK_SONST": ["TK_LEITUNG"],
    "BA_RESSORT": ["BA_KULTUR", "BA_KOORDINATION"], "BA_KULTUR": ["BA_RESSORT"],
    "BA_RESSOURCEN": ["BA_PFLICHT"], "BA_PFLICHT": ["BA_RESSOURCEN"], "BA_WISSEN": ["BA_KULTUR"],
    "BA_KOORDINATION": ["BA_RESSORT"], "BA_LEITUNG": ["BA_KOORDINATION"], "BA_SONST": ["BA_RESSOURCEN"],
}


def second_coder(codes: list[str], rng: random.Random, p: float = 0.15) -> list[str]:
    if rng.random() >= p:
        return list(codes)
    out = list(codes)
    if len(out) > 1 and rng.random() < 0.45:
        out.pop(rng.randrange(len(out)))  # overlooked second aspect
        return out
    i = rng.randrange(len(out))
    alt = [n for n in NEIGHBOURS[out[i]] if n not in out]
    if not alt:
        return out[:-1] if len(out) > 1 else out
    if rng.random() < 0.6:
        out[i] = rng.choice(alt)  # confusable neighbour
    else:
        out.append(rng.choice(alt))  # extra code
    return out


# ---------------------------------------------------------------------------
# Protocols
# ---------------------------------------------------------------------------
# Block kinds: ("h", text) heading; ("pre", text) passage with fixed line breaks;
# ("p", text, codes) running-text passage; ("page", n) page break (txt only).
# In running text "⏎" forces a line break at that point in the .txt rendering.

# Further discussion passages of meetings 1 and 2 (inserted at the end of sections;
# see PROTOKOLL_1 / PROTOKOLL_2 below).
P1_MORE_4 = [
    ("p", "Herr Oberländer berichtet, dass im Fachbereich Soziales in Westerhagen erst durch "
          "Hausbesuche bei älteren Menschen klar geworden sei, wie stark Hitze die Gesundheit "
          "alleinlebender Seniorinnen gefährdet. Seither verstehe sein Team Hitzeschutz als "
          "Teil der Daseinsvorsorge und nicht als Umweltthema.",
     ["TK_SYSTEM"]),
    ("p", "Frau Krüger ergänzt, dass die Amtsleiterin des Gesundheitsamts in Auenfeld die "
          "Arbeitsgruppe zum Hitzeaktionsplan von Anfang an unterstützt und eigene Mitarbeitende "
          "dafür freigestellt habe. Ohne diese Unterstützung wäre die Gruppe nach wenigen "
          "Sitzungen eingeschlafen.",
     ["TK_LEITUNG"]),
    ("p", "Herr Brenner berichtet, dass Lindenbrück jedes Jahr eine kurze Bilanz der "
          "Hitzewarnungen zieht: Wie viele Menschen wurden erreicht, welche Kanäle haben "
          "funktioniert? Aus der letzten Bilanz sei die Entscheidung entstanden, zusätzlich "
          "Aushänge in Supermärkten und Arztpraxen zu nutzen.",
     ["TK_REFLEXION"]),
    ("p", "Frau Seidel stellt fest, dass in Ellerbach niemand systematisch erfasst, welche "
          "Erfahrungen mit Maßnahmen gemacht wurden. Man lerne zwar im Einzelfall, aber das "
          "Gelernte werde nirgends festgehalten und gehe beim nächsten Projekt wieder verloren.",
     ["BA_KOORDINATION"]),
    ("p", "Frau Lindqvist betont, dass die Zusammenarbeit mit den Migrantenorganisationen in "
          "Lindenbrück auf einer langjährigen Vertrauensbasis beruhe. Der Integrationsbeirat "
          "sei bei der Erarbeitung des Integrationskonzepts beteiligt gewesen und werde "
          "inzwischen auch bei Fragen der Stadtplanung angehört.",
     ["TK_KOOPERATION"]),
    ("p", "Frau Demir beschreibt, dass die Stabsstelle Klima in Westerhagen ressortübergreifend "
          "arbeite, aber keine eigenen Mittel verwalte. Jede Maßnahme müsse von einem Fachamt "
          "beantragt und umgesetzt werden. Die Stabsstelle koordiniere, die Ämter entschieden.",
     ["TK_GOVERNANCE"]),
    ("p", "Herr Haddad beobachtet, dass viele Kolleginnen und Kollegen in der Stadtplanung "
          "die sozialen Folgen ihrer Entscheidungen nicht im Blick haben. Dass eine "
          "Nachverdichtung fur die Bewohner eines Blocks mehr Hitze bedeuten kann, werde in "
          "Abwägungen selten thematisiert.",
     ["BA_WISSEN"]),
    ("p", "Frau Seidel berichtet, dass der Bürgermeister in Ellerbach Klimaanpassung zwar in "
          "Reden erwähnt, in der Verwaltung aber nie konkrete Aufträge dazu erteilt habe. Die "
          "Beschäftigten wüssten daher nicht, welche Bedeutung das Thema für die Spitze "
          "tatsächlich hat.",
     ["BA_LEITUNG"]),
    ("p", "Als förderlich beschreibt Herr Oberländer, dass er und die Leiterin der Stabsstelle "
          "Klima sich aus einem früheren Projekt persönlich kennen. Vieles lasse sich dadurch "
          "auf kurzem Weg klären; solche Zufälle seien aber keine Grundlage, auf die man "
          "sich verlassen könne.",
     ["TK_SONST"]),
    ("p", "Frau Krüger berichtet, dass Auenfeld ein Monitoring für den Hitzeaktionsplan aufbaut. "
          "Für jede Maßnahme werden wenige Kennzahlen festgelegt, die jährlich erhoben und in der "
          "Arbeitsgruppe besprochen werden. So solle das Lernen aus Erfahrung zur Routine "
          "werden.",
     ["TK_REFLEXION"]),
    ("p", "Herr Brenner bemängelt, dass in Lindenbrück kaum jemand weiß, welche Daten andere "
          "Ämter bereits erheben. So habe das Umweltamt eine eigene Befragung zu Hitze geplant, "
          "obwohl das Sozialamt ähnliche Fragen bereits im Sozialbericht ausgewertet hatte.",
     ["BA_WISSEN", "BA_KOORDINATION"]),
    ("p", "Frau Lindqvist berichtet, dass in Lindenbrück ein ämterübergreifender Arbeitskreis "
          "Integration besteht, in dem alle Dezernate vertreten sind. Der Arbeitskreis habe "
          "eine Geschäftsordnung und berichte jährlich dem Rat. Das gebe der Arbeit "
          "Verbindlichkeit.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Demir ergänzt, dass die Verbindung von Klima und Integration in Westerhagen "
          "erst über gemeinsame Daten sichtbar geworden sei. Die Überlagerung von Hitzeinseln "
          "und Wohnorten von Geflüchteten habe im Haus eine Diskussion über Verantwortung "
          "ausgelöst, die vorher niemand geführt habe.",
     ["TK_SYSTEM"]),
]
P1_MORE_5 = [
    ("p", "Herr Oberländer schildert, dass Vorschläge aus dem Fachbereich Soziales in "
          "Westerhagen regelmäßig in der Dezernatsebene hängen bleiben. Eine Abstimmung mit "
          "dem Umweltamt müsse über beide Dezernenten laufen, was Wochen dauere. Die "
          "Hierarchie bremse gerade dort, wo schnelle Absprachen nötig wären.",
     ["BA_RESSORT"]),
    ("p", "Frau Krüger berichtet, dass die Arbeitsgruppe Hitzeaktionsplan in Auenfeld zwar "
          "Maßnahmen beschlossen habe, deren Umsetzung aber niemand nachhalte. Es gebe keine "
          "Liste, wer bis wann was erledigt, und bei der nächsten Sitzung werde über neue "
          "Ideen gesprochen statt über den Stand.",
     ["BA_KOORDINATION"]),
    ("p", "Mehrere Teilnehmende beschreiben, dass Fortbildungen zu Klimaanpassung fast nur von "
          "Beschäftigten besucht werden, die ohnehin überzeugt sind. Wer das Thema für "
          "überflüssig hält, melde sich nicht an, und die Vorgesetzten verlangten es auch nicht.",
     ["BA_KULTUR"]),
    ("p", "Herr Haddad weist darauf hin, dass Integration in Auenfeld als freiwillige Leistung "
          "geführt wird. In der letzten Haushaltsberatung seien Zuschüsse fur Sprachmittlung "
          "gekürzt worden, obwohl alle Ämter den Bedarf bestätigt hätten.",
     ["BA_PFLICHT"]),
    ("p", "Frau Lindqvist schildert, dass die Stelle der Integrationsbeauftragten in "
          "Lindenbrück mit einer halben Stelle ausgestattet ist. Für ämterübergreifende "
          "Arbeit bleibe neben Beratung und Gremienarbeit kaum Zeit; vieles erledige sie "
          "in den Abendstunden.",
     ["BA_RESSOURCEN"]),
    ("p", "Frau Seidel berichtet, dass Absprachen mit dem Landkreis eine zusätzliche Hürde "
          "sind. Für Gewässer zweiter Ordnung sei der Kreis zuständig, für die Kanalisation die "
          "Gemeinde, für Straßenbäume teilweise das Land. Niemand fühle sich für das "
          "Zusammenspiel bei Starkregen verantwortlich.",
     ["BA_SONST"]),
    ("p", "Herr Brenner beschreibt, dass im Umweltamt Lindenbrück eine Haltung verbreitet sei, "
          "nach der soziale Fragen nicht zum eigenen Auftrag gehören. Anfragen des Sozialamts "
          "würden als fachfremd abgetan. Er selbst stoße mit Hinweisen auf die soziale Seite "
          "von Hitze auf Unverständnis.",
     ["BA_KULTUR"]),
    ("p", "Frau Demir berichtet, dass Leitungskräfte in Westerhagen über Umstrukturierungen "
          "oft erst informiert würden, wenn sie bereits beschlossen sind. Die Stabsstelle habe "
          "von der Verlagerung des Grünflächenamts aus der Zeitung erfahren. Eine solche "
          "Kommunikation untergrabe das Vertrauen.",
     ["BA_LEITUNG"]),
    ("p", "Herr Oberländer ergänzt, dass in Westerhagen drei Stellen im Sozialdienst seit über "
          "einem Jahr unbesetzt sind. Die verbliebenen Kolleginnen und Kollegen arbeiteten die "
          "Fälle mit ab; für Projekte wie die kühlen Orte bleibe kaum Raum.",
     ["BA_RESSOURCEN"]),
    ("p", "Frau Lindqvist berichtet, dass viele Kolleginnen und Kollegen nicht wissen, was die "
          "Integrationsbeauftragte eigentlich tut und wann man sie einbeziehen sollte. Das "
          "führe dazu, dass Integrationsbelange erst bemerkt werden, wenn bereits Beschwerden "
          "vorliegen.",
     ["BA_WISSEN"]),
    ("p", "Herr Haddad hebt hervor, dass Konflikte zwischen Ämtern in Auenfeld inzwischen in "
          "einer monatlichen Schnittstellenrunde besprochen werden. Dort sitzen Stadtplanung, "
          "Tiefbau und Grünflächen an einem Tisch, bevor Planungen festgelegt werden. Das habe "
          "die Zahl der Streitfälle spürbar gesenkt.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Krüger stellt fest, dass in Auenfeld jedes neue Förderprogramm eine eigene "
          "Projektgruppe hervorbringt. Inzwischen gebe es vier Gruppen zu Hitze, Grün und "
          "Quartier, die sich kaum abstimmen und teilweise dieselben Personen einladen.",
     ["BA_KOORDINATION"]),
    ("p", "Herr Brenner berichtet, dass der Datenschutzbeauftragte in Lindenbrück auch den "
          "Austausch anonymisierter Daten zwischen Ämtern zunächst untersagt habe. Erst nach "
          "einem halben Jahr sei eine Lösung gefunden worden.",
     ["BA_SONST"]),
    ("p", "Frau Seidel berichtet, dass in Ellerbach das Thema Klimaanpassung nach der "
          "Kommunalwahl im Gemeinderat an Unterstützung verloren habe. Anträge auf "
          "Entsiegelung würden mit dem Hinweis auf die Haushaltslage und den freiwilligen "
          "Charakter der Aufgabe vertagt.",
     ["BA_PFLICHT"]),
]
P2_MORE_2 = [
    ("p", "Frau Lindqvist berichtet, dass in Lindenbrück ein Lenkungskreis Integration und Klima "
          "gebildet wurde, in dem die Dezernentinnen und Dezernenten für Soziales, Umwelt und "
          "Bauen sitzen. Er tagt vierteljährlich und entscheidet über gemeinsame Vorhaben.",
     ["TK_GOVERNANCE"]),
    ("p", "Herr Haddad hält Koordinierungsstellen nur dann für wirksam, wenn sie über Budget "
          "verfügen. Eine Koordination ohne Mittel könne moderieren, aber nichts anstoßen. In "
          "Auenfeld werde deshalb diskutiert, einen gemeinsamen Maßnahmentopf einzurichten.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Seidel berichtet, dass in Ellerbach mehrere Arbeitskreise gegründet wurden, die "
          "nach kurzer Zeit wieder eingeschlafen sind. Niemand habe festgelegt, wann ein Kreis "
          "endet oder wie seine Ergebnisse weitergetragen werden.",
     ["BA_KOORDINATION"]),
    ("p", "Herr Yıldız schildert, dass der Migrationsbeirat in Lindenbrück gern in Arbeitskreise "
          "der Verwaltung eingebunden würde. Bisher werde er aber nur informiert, wenn "
          "Entscheidungen bereits getroffen sind. So könne er seine Kenntnisse über die "
          "Communities nicht einbringen.",
     ["BA_RESSORT"]),
    ("p", "Frau Demir betont, dass die Klimapaten in Westerhagen nicht zusätzlich zu ihrer "
          "Arbeit tätig sein sollen. Ihre Aufgabe sei deshalb in den Stellenbeschreibungen "
          "verankert und mit einem festen Zeitanteil hinterlegt worden.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Krüger berichtet, dass die Arbeitsgruppe Hitzeaktionsplan in Auenfeld einen "
          "gemeinsamen Jahresplan erstellt hat. Jede beteiligte Stelle trägt darin ihre "
          "Vorhaben ein, und Überschneidungen werden frühzeitig sichtbar.",
     ["TK_GOVERNANCE"]),
    ("p", "Herr Oberländer berichtet, dass die Arbeit in Projektgruppen im Fachbereich Soziales "
          "als Zusatzaufgabe gilt. Die Kolleginnen müssten die Sitzungen neben einer vollen "
          "Fallzahl wahrnehmen und fehlten deshalb häufig.",
     ["BA_RESSOURCEN"]),
    ("p", "Frau Lindqvist hebt hervor, dass Lindenbrück sich über das Städtenetzwerk "
          "Integration regelmäßig mit anderen Kommunen austauscht. Von einer Partnerstadt habe "
          "man das Modell des Lenkungskreises übernommen.",
     ["TK_KOOPERATION"]),
    ("p", "Herr Haddad stellt fest, dass Strukturen in der Verwaltung selten bewusst beendet "
          "werden. Neue Gremien kämen hinzu, alte liefen weiter, und am Ende wisse niemand "
          "mehr, welches Gremium worüber entscheidet.",
     ["BA_KOORDINATION"]),
    ("p", "Frau Seidel sieht in kleinen Gemeinden einen Vorteil: Weil wenige Personen viele "
          "Aufgaben übernehmen, seien die Zusammenhänge zwischen Bauen, Klima und Sozialem "
          "unmittelbar sichtbar. Man erkenne schneller, wo eine Entscheidung andere Bereiche "
          "berührt.",
     ["TK_SYSTEM"]),
]
P2_MORE_3 = [
    ("p", "Herr Oberländer berichtet, dass seine Fachbereichsleitung in Westerhagen sich "
          "weigert, Personal für die Arbeitsgruppe mit der Stabsstelle Klima abzustellen. Die "
          "Begründung laute, das sei nicht Aufgabe des Sozialbereichs; eine Diskussion darüber "
          "finde nicht statt.",
     ["BA_LEITUNG"]),
    ("p", "Frau Lindqvist erzählt, dass der Oberbürgermeister in Lindenbrück die "
          "Integrationsbeauftragte inzwischen zu jeder Dezernentenkonferenz einlädt. Seither "
          "werde sie bei Vorhaben früher beteiligt, und Amtsleitungen meldeten sich von "
          "selbst bei ihr.",
     ["TK_LEITUNG"]),
    ("p", "Herr Haddad beschreibt die Rolle von Leitung als Übersetzer zwischen Politik und "
          "Verwaltung. Sein Amtsleiter erkläre dem Bauausschuss regelmäßig, warum "
          "Hitzeschutz Teil der Stadtplanung sein müsse, und verschaffe den Fachleuten so "
          "Rückendeckung.",
     ["TK_LEITUNG"]),
    ("p", "Frau Demir beobachtet, dass Amtsleitungen in Westerhagen sehr unterschiedlich mit "
          "Querschnittsthemen umgehen. Während einige den Klima-Check aktiv einfordern, "
          "unterschreiben andere Vorlagen ohne Blick auf die Einschätzung.",
     ["BA_LEITUNG"]),
    ("p", "Frau Seidel berichtet, dass in Ellerbach viel vom Engagement einzelner Beschäftigter "
          "abhänge. Eine Kollegin aus der Kita-Verwaltung habe von sich aus Verschattung auf "
          "den Außengeländen organisiert, ohne dass dies jemand angeordnet hatte.",
     ["TK_SONST"]),
    ("p", "Herr Yıldız kritisiert, dass Verwaltung gegenüber dem Beirat oft intransparent sei. "
          "Entscheidungen würden mitgeteilt, aber nicht begründet, und der Beirat erfahre nicht, "
          "was aus seinen Stellungnahmen geworden ist.",
     ["BA_LEITUNG"]),
    ("p", "Frau Krüger berichtet, dass sie zur Koordination des Hitzeaktionsplans regelmäßig "
          "mit dem Personalrat spricht, weil Hitzeschutz auch die Beschäftigten betrifft. So "
          "sei das Thema in der Belegschaft bekannter geworden.",
     ["TK_SONST"]),
    ("p", "Herr Oberländer sieht eine Ursache für fehlende Zusammenarbeit in Zielvorgaben, die "
          "nur für das eigene Amt gelten. Wer nach Fallzahlen im eigenen Bereich bewertet "
          "werde, habe keinen Anreiz, Zeit in ämterübergreifende Vorhaben zu stecken.",
     ["BA_RESSORT"]),
    ("p", "Frau Demir berichtet, dass die Stabsstelle nach jeder größeren Sitzung mit den "
          "Amtsleitungen eine kurze Rückschau hält: Was hat überzeugt, wo gab es Widerstand? "
          "Daraus entwickle das Team seine Argumente für die nächste Runde weiter.",
     ["TK_REFLEXION"]),
    ("p", "Herr Haddad merkt an, dass vielen Führungskräften die Zusammenhänge zwischen "
          "Klimaanpassung und sozialer Lage schlicht unbekannt seien. Sie hielten Hitzeschutz "
          "für eine Frage von Bäumen und Brunnen und sähen keinen Bezug zu ihrem Bereich.",
     ["BA_WISSEN"]),
]
P2_MORE_4 = [
    ("p", "Frau Lindqvist berichtet, dass die Integrationsbeauftragte in Lindenbrück einmal im "
          "Monat eine offene Sprechstunde für Beschäftigte anbietet. Dort können Fragen zu "
          "Mehrsprachigkeit, Aufenthaltsrecht oder Kontakten zu Communities geklärt werden.",
     ["TK_WISSEN"]),
    ("p", "Herr Oberländer berichtet, dass Kolleginnen im Fachbereich Soziales kaum wissen, "
          "welche Beratungsangebote es zu Hitzeschutz gibt. Die Informationen der Stabsstelle "
          "kämen im Alltag nicht an.",
     ["BA_WISSEN"]),
    ("p", "Frau Seidel beschreibt, dass in Ellerbach neue Beschäftigte zu Beginn einen Tag mit "
          "Kolleginnen und Kollegen aus anderen Bereichen verbringen. Dieses Hospitieren helfe, "
          "die Arbeit der anderen kennenzulernen und Ansprechpartner zu finden.",
     ["TK_WISSEN"]),
    ("p", "Herr Yıldız schlägt vor, dass Mitglieder des Beirats in Fortbildungen der Verwaltung "
          "über ihre Erfahrungen berichten. So könne das Wissen der Communities auch in der "
          "Verwaltung ankommen.",
     ["TK_KOOPERATION", "TK_WISSEN"]),
    ("p", "Frau Krüger berichtet, dass Auenfeld nach dem Verwaltungstag eine kurze Umfrage unter "
          "den Teilnehmenden gemacht hat. Die Rückmeldungen wurden genutzt, um das Format für "
          "das nächste Jahr anzupassen, etwa mit mehr Zeit für Gespräche.",
     ["TK_REFLEXION"]),
    ("p", "Herr Haddad kritisiert, dass Fortbildungen in Auenfeld nur als Präsenzveranstaltung "
          "angeboten werden und ganze Tage dauern. Für Beschäftigte mit vollen Terminkalendern "
          "seien sie kaum erreichbar.",
     ["BA_RESSOURCEN"]),
    ("p", "Frau Demir betont, dass Wissen über Verfahren oft wichtiger sei als Fachwissen. Wer "
          "weiß, wann eine Vorlage in welchen Ausschuss geht, könne Klimabelange rechtzeitig "
          "einbringen. Die Stabsstelle habe deshalb einen Fristenkalender für alle Ämter "
          "veröffentlicht.",
     ["TK_WISSEN"]),
    ("p", "Herr Oberländer beobachtet, dass in seinem Fachbereich Fehler bei "
          "ämterübergreifenden Projekten eher vertuscht als besprochen werden. Wer einen Fehler "
          "einräume, müsse mit Kritik von oben rechnen.",
     ["BA_KULTUR"]),
    ("p", "Frau Lindqvist berichtet, dass Lindenbrück eine gemeinsame Fortbildung für "
          "Beschäftigte aus Umwelt- und Sozialamt angeboten hat. Dabei hätten beide Seiten "
          "erstmals verstanden, wie eng Hitze, Gesundheit und Wohnsituation zusammenhängen.",
     ["TK_WISSEN", "TK_SYSTEM"]),
    ("p", "Frau Seidel weist darauf hin, dass die Software in Ellerbach den Austausch "
          "erschwert: Bauverwaltung und Ordnungsamt arbeiteten mit unterschiedlichen "
          "Programmen, die keine gemeinsamen Akten erlauben.",
     ["BA_SONST"]),
]


PROTOKOLL_1 = [
    ("pre", "Protokoll 1. Dialogtreffen: Klimaanpassung und Vielfalt in der\nStadtverwaltung", []),
    ("h", "1. Rahmendaten und Teilnehmende"),
    ("pre", "Datum: 12. Februar 2025, 9:30 bis 12:15 Uhr\nOrt: digital (Videokonferenz)\n"
            "Moderation: Dr. Miriam Hoffmeister, Jonas Albrecht (ISV)\nProtokoll: Lena Vogt (ISV)", []),
    ("pre", "Teilnehmende:\n"
            "- Sabine Krüger, Klimaanpassungsmanagerin, Stadt Auenfeld\n"
            "- Dr. Tarek Haddad, Amt für Stadtplanung und -entwicklung, Stadt Auenfeld\n"
            "- Petra Lindqvist, Integrationsbeauftragte, Stadt Lindenbrück\n"
            "- Markus Brenner, Umweltamt, Stadt Lindenbrück\n"
            "- Aylin Demir, Stabsstelle Klima, Stadt Westerhagen\n"
            "- Frank Oberländer, Fachbereich Soziales, Stadt Westerhagen\n"
            "- Jana Seidel, Bauverwaltung, Gemeinde Ellerbach", []),
    ("h", "2. Tagesordnung"),
    ("pre", "TOP 1 Begrüßung, Vorstellungsrunde, Ziele der Dialogreihe\n"
            "TOP 2 Erfahrungen aus den Städten: Klimaanpassung als Querschnittsaufgabe\n"
            "TOP 3 Input und Diskussion: Komponenten transformativer Kapazität\n"
            "TOP 4 Barrieren der Zusammenarbeit\n"
            "TOP 5 Verabredungen und Ausblick", []),
    ("h", "3. Erfahrungen aus den Städten"),
    ("p", "Frau Krüger berichtet aus Auenfeld, dass die Stelle der Klimaanpassungsmanagerin "
          "seit 2023 besteht, allerdings befristet und über ein Förderprogramm finanziert. Der "
          "Hitzeaktionsplan wird derzeit in einer ämterübergreifenden Arbeitsgruppe erarbeitet, "
          "in der neben der Stadtplanung auch das Gesundheitsamt, das Sozialamt und der "
          "Eigenbetrieb Stadtgrün vertreten sind. Die Arbeitsgruppe trifft sich monatlich, "
          "die Geschäftsführung liegt bei ihr. Problematisch sei, dass die Stelle in 18 Monaten "
          "ausläuft und bislang offen ist, wer die Koordination danach übernimmt.",
     ["TK_GOVERNANCE", "BA_RESSOURCEN"]),
    ("p", "Frau Lindqvist schildert, wie sie als Integrationsbeauftragte in Lindenbrück eher "
          "zufällig zum Thema Hitze gekommen ist: Im Sommer 2024 häuften sich Beschwerden aus "
          "zwei Gemeinschaftsunterkünften mit Containerbauweise, in denen die Temperaturen "
          "tagelang über 35 Grad lagen. Erst dadurch sei im Haus deutlich geworden, dass "
          "Klimaanpassung nicht nur eine technische Aufgabe ist, sondern eng mit Wohnsituation, "
          "Gesundheit und sozialer Lage zusammenhängt. Seitdem werde Hitzeschutz in der "
          "Sozialplanung ausdrücklich mitgedacht.",
     ["TK_SYSTEM"]),
    ("p", "Frau Demir stellt den Klima-Check vor, den Westerhagen vor zwei Jahren für alle "
          "Beschlussvorlagen eingeführt hat. Jede Vorlage muss seitdem eine kurze Einschätzung "
          "enthalten, ob Klimaschutz- und Klimaanpassungsbelange berührt sind. Das Instrument "
          "habe das Thema sichtbar gemacht. In der Praxis werde aber in rund zwei Dritteln der "
          "Vorlagen pauschal \"nicht betroffen\" angekreuzt, ohne dass jemand das prüft; "
          "eine Rückkopplung an die Fachämter finde nicht statt.",
     ["TK_GOVERNANCE", "BA_KOORDINATION"]),
    ("p", "Frau Seidel betont, dass in einer kleinen Verwaltung wie Ellerbach vieles über "
          "persönliche Kontakte läuft: Man kenne sich, man gehe kurz ins Nachbarbüro, und "
          "Absprachen zwischen Bauverwaltung und Ordnungsamt seien unkompliziert. Die "
          "Kehrseite sei, dass kaum etwas dokumentiert werde. Als der langjährige Leiter des "
          "Bauhofs in Ruhestand ging, sei sein gesamtes Wissen über Entwässerung und "
          "Starkregen-Hotspots im Ort mit ihm gegangen.",
     ["TK_SONST", "BA_WISSEN"]),
    ("p", "Herr Brenner berichtet, dass Lindenbrück vor drei Jahren Starkregengefahrenkarten "
          "für das gesamte Stadtgebiet erstellen ließ. Die Karten lägen vor und seien im "
          "Geoportal veröffentlicht, in den Baugenehmigungsverfahren spielten sie aber bislang "
          "keine Rolle. Niemand habe verbindlich geregelt, wer sie bei Bauanträgen prüft und "
          "was aus einem Treffer folgt. So bleibe ein teures Gutachten fur die Praxis weitgehend "
          "folgenlos.",
     ["BA_KOORDINATION"]),
    ("p", "Herr Oberländer ergänzt aus Sicht des Fachbereichs Soziales in Westerhagen, dass "
          "die Zusammenarbeit mit der Stabsstelle Klima inzwischen gut funktioniere. Den "
          "Ausschlag habe gegeben, dass beide Seiten ein konkretes gemeinsames Vorhaben hatten: "
          "die Ausweisung kühler Orte in Seniorentreffs und Stadtteilzentren. An einem "
          "solchen Projekt lerne man die Logik des anderen Bereichs besser kennen als in jeder "
          "Sitzung.",
     ["TK_GOVERNANCE", "TK_REFLEXION"]),
    ("h", "4. Komponenten transformativer Kapazität"),
    ("p", "Herr Albrecht stellt das Konzept der transformativen Kapazität kurz vor. Es "
          "beschreibt die Fähigkeit von Akteurinnen und Akteuren, einen grundlegenden Wandel "
          "wahrzunehmen, sich darauf vorzubereiten und ihn umzusetzen. Für die Dialogreihe "
          "werden vier Komponenten herausgegriffen: Governance-Strukturen, Leitung und "
          "Führung, Systembewusstsein sowie Reflexion und Lernen. Die Teilnehmenden werden "
          "gebeten, die eigenen Erfahrungen entlang dieser Komponenten einzuordnen.",
     []),
    ("p", "Zur Komponente Leitung berichtet Frau Demir, dass der Klima-⏎Check in Westerhagen erst "
          "Wirkung entfaltet habe, nachdem der Oberbürgermeister das Thema in der "
          "Dezernentenkonferenz ausdrücklich zur Chefsache erklärt hatte. Seitdem fragten "
          "Amtsleitungen von sich aus bei der Stabsstelle nach. Rückendeckung von oben sei "
          "aus ihrer Sicht der wichtigste Hebel, gerade wenn eine Stabsstelle selbst keine "
          "Weisungsbefugnis hat.",
     ["TK_LEITUNG"]),
    ("p", "Frau Lindqvist beschreibt die umgekehrte Erfahrung. Als Integrationsbeauftragte "
          "sei sie formal dem Oberbürgermeister zugeordnet, faktisch aber auf das Wohlwollen "
          "der Amtsleitungen angewiesen. Anfragen an andere Ämter würden oft wochenlang nicht "
          "beantwortet oder mit dem Hinweis auf fehlende Zuständigkeit zurückgegeben. Ohne "
          "klare Unterstützung der Leitungsebene bleibe sie in der Rolle der Bittstellerin.",
     ["BA_LEITUNG", "BA_RESSORT"]),
    ("p", "Beim Systembewusstsein sind sich die Teilnehmenden einig, dass Klimaanpassung in "
          "vielen Ämtern noch als Aufgabe des Grünflächenamts oder der Stadtentwässerung "
          "verstanden wird. Dass etwa Hitze vor allem ältere, kranke und arme Menschen trifft "
          "und damit auch Sozial- und Integrationsarbeit betrifft, sei vielen Kolleginnen "
          "und Kollegen nicht bewusst. Herr Brenner spricht von einem \"Tunnelblick\", der "
          "in der Ausbildung angelegt sei.",
     ["BA_WISSEN"]),
    ("p", "Herr Haddad hält dagegen, dass sich das Verständnis in Auenfeld spürbar verändert "
          "habe, seit die Stadtplanung die Hitzekarte mit den Daten des Sozialmonitorings "
          "überlagert hat. Auf einer einzigen Karte sei sichtbar geworden, dass die heißesten "
          "Blöcke zugleich die mit der höchsten Armutsquote und dem höchsten Anteil älterer "
          "Menschen sind. Diese Karte habe in mehreren Ämtern mehr bewirkt als jede "
          "Stellungnahme, weil sie die Zusammenhänge zwischen Stadtklima, Wohnen und sozialer "
          "Lage auf einen Blick zeige.",
     ["TK_SYSTEM"]),
    ("p", "Frau Seidel merkt an, dass Leitung auch das Gegenteil bewirken könne. In Ellerbach "
          "sei die Bauverwaltung im Herbst ohne Vorankündigung neu zugeschnitten worden; die "
          "Gründe habe die Verwaltungsspitze nie erläutert. Seitdem wisse niemand genau, wer "
          "für Klimaanpassung im Straßenraum verantwortlich ist, und die Mitarbeitenden "
          "fühlten sich mit der Aufgabe allein gelassen.",
     ["BA_LEITUNG"]),
    ("p", "Als positives Beispiel nennt Herr Brenner die Hitzewarnungen in Lindenbrück. "
          "Zusammen mit dem Migrationsbeirat und zwei Moscheegemeinden wurden die Warnungen "
          "des Deutschen Wetterdienstes in sieben Sprachen aufbereitet und über "
          "Messenger-Gruppen der Communities verbreitet. Dabei sei klar geworden, dass "
          "Sprachbarrieren und Wohnverhältnisse die Verwundbarkeit bei Hitze stark erhöhen. "
          "Ohne die Partner aus der Zivilgesellschaft hätte die Verwaltung diese Gruppen "
          "nicht erreicht.",
     ["TK_KOOPERATION", "TK_SYSTEM"]),
    ("p", "Zu Reflexion und Lernen berichtet Frau Krüger, dass Auenfeld nach dem ersten "
          "Hitzesommer mit dem Aktionsplan eine gemeinsame Auswertung mit allen beteiligten "
          "Ämtern durchgeführt hat. Man habe offen besprochen, welche Maßnahmen funktioniert "
          "haben und welche nicht, zum Beispiel dass die Trinkwasserbrunnen an den falschen "
          "Orten standen. Aus dieser \"Manöverkritik\" seien konkrete Änderungen für den "
          "Folgesommer entstanden.",
     ["TK_REFLEXION"]),
    ("p", "Mehrere Teilnehmende geben zu bedenken, dass solche Auswertungen die Ausnahme "
          "seien. Im Alltag hetze man von Frist zu Frist, für einen Blick zurück bleibe "
          "keine Zeit. Herr Haddad formuliert es so: Die Verwaltung sei gut im Anfangen und "
          "schlecht im Auswerten, weil die Kapazitäten dafür nirgends eingeplant seien.",
     ["BA_RESSOURCEN"]),
    ("page", 2),
    ("h", "5. Barrieren der Zusammenarbeit"),
    ("p", "Als grundlegende Barriere wird benannt, dass Klimaanpassung ebenso wie Integration "
          "keine kommunale Pflichtaufgabe ist. In jeder Haushaltsberatung stünden die Mittel "
          "wieder zur Disposition, und in Jahren mit angespannter Haushaltslage würden "
          "freiwillige Leistungen als Erstes gekürzt. Frau Seidel berichtet, dass in Ellerbach "
          "geplante Klimaanpassungsmassnahmen an Schulhöfen zweimal verschoben wurden, weil "
          "Pflichtaufgaben wie die Kita-Versorgung Vorrang hatten.",
     ["BA_PFLICHT"]),
    ("p", "Ein weiterer Punkt ist die Ressortlogik. Herr Haddad schildert den Konflikt um "
          "Baumstandorte: Das Tiefbauamt plant Leitungstrassen, das Grünflächenamt fordert "
          "mehr Straßenbäume, und die Stadtplanung und -entwicklung vermittelt zwischen "
          "beiden, ohne selbst entscheiden zu können. Jedes Amt optimiere seine eigenen Ziele; "
          "eine gemeinsame Abwägung finde erst statt, wenn es zu spät sei.",
     ["BA_RESSORT"]),
    ("p", "Deutlich kritischer fällt die Einschätzung zur Verwaltungskultur aus. Herr "
          "Oberländer berichtet von Kolleginnen und Kollegen, die Themen wie Vielfalt oder "
          "Klimaanpassung als \"Spielwiese\" abtun und Anfragen dazu bewusst liegen lassen. "
          "Sätze wie \"Das haben wir immer so gemacht\" seien in manchen Abteilungen die "
          "Regel. Gegen solche Haltungen helfe kein Beschluss, sondern nur langwierige "
          "Überzeugungsarbeit.",
     ["BA_KULTUR"]),
    ("p", "Ausführlich wird die Personalsituation diskutiert. Stellen für "
          "Klimaschutz-⏎ und Klimaanpassungsmaßnahmen sind in allen vertretenen Städten "
          "ganz oder teilweise über Drittmittel finanziert und befristet. Gute Leute wechselten "
          "deshalb nach zwei, drei Jahren auf unbefristete Stellen, und mit ihnen gehe das "
          "Netzwerk verloren. Hinzu komme eine allgemeine Überlastung: Wer ohnehin zwei "
          "Vakanzen im Team auffangen müsse, habe keinen Kopf für eine weitere Arbeitsgruppe.",
     ["BA_RESSOURCEN"]),
    ("p", "Frau Demir weist auf ein Problem hin, das bei Neugründungen von Stellen häufig "
          "entstehe: In Westerhagen gebe es neben der Stabsstelle Klima ein Klimaschutzmanagement "
          "im Umweltamt. Beide arbeiteten teilweise an denselben Themen, ohne sich abzustimmen, "
          "und konkurrierten bei der Haushaltsanmeldung um dieselben Mittel. Für Außenstehende "
          "sei nicht erkennbar, wer zuständig ist.",
     ["BA_KOORDINATION"]),
    ("p", "Als Gegenbeispiel wird auf Ellerbach verwiesen, wo Klimaschutz und Klimaanpassung "
          "von Beginn an in einer Hand liegen. Frau Seidel sieht darin einen Vorteil, weil "
          "Zielkonflikte, etwa zwischen Nachverdichtung und Frischluftschneisen, innerhalb "
          "einer Stelle abgewogen werden und nicht zwischen zwei Ämtern ausgefochten werden "
          "müssen.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Lindqvist ergänzt, dass auch kulturelle und sprachliche Barrieren innerhalb "
          "der Verwaltung eine Rolle spielen. In Bereichen ohne direkten Kontakt zu "
          "migrantischen Bürgerinnen und Burgern fehle oft die Offenheit, sich mit deren "
          "Bedarfen zu befassen; interkulturelle Fortbildungen würden dort kaum nachgefragt.",
     ["BA_KULTUR"]),
    ("p", "Herr Brenner nennt zudem rechtliche Hürden. Für eine gezielte Ansprache "
          "hitzegefährdeter älterer Menschen müssten Umweltamt und Sozialamt Daten austauschen, "
          "was der Datenschutz in der bisherigen Form nicht zulasse. Auch das Vergaberecht "
          "erschwere es, kurzfristig kleine Aufträge etwa an Migrantenvereine für "
          "Übersetzungen zu vergeben.",
     ["BA_SONST"]),
    ("page", 3),
    ("h", "6. Erste Ansätze und Verabredungen"),
    ("p", "Aus der Diskussion entsteht die Idee eines gemeinsamen Verwaltungstags, an dem "
          "die Ämter einander ihre laufenden Vorhaben vorstellen. Frau Krüger schlägt außerdem "
          "eine kollegiale Beratung zwischen den beteiligten Städten vor: Einmal im Quartal "
          "soll eine Stadt einen konkreten Fall einbringen, den die anderen gemeinsam "
          "durchdenken. Wissen solle so nicht nur gesammelt, sondern auch weitergegeben werden.",
     ["TK_WISSEN"]),
    ("p", "Herr Brenner regt an, die Zusammenarbeit mit der Wissenschaft fortzusetzen. Der "
          "Blick von außen habe in diesem Treffen geholfen, Dinge auszusprechen, die intern "
          "selten gesagt würden. Auch der Austausch mit anderen Kommunen im Städtenetzwerk "
          "Klimaanpassung sei wertvoll, weil man dort erfahre, welche Lösungen anderswo schon "
          "erprobt wurden.",
     ["TK_KOOPERATION", "TK_WISSEN"]),
    ("p", "Als mögliches Experimentierfeld wird die geplante Entsiegelung eines Schulhofs in "
          "Lindenbrück genannt. Schulverwaltungsamt, Jugendamt, Umweltamt und das Amt für "
          "Stadtplanung und -entwicklung wollen das Vorhaben gemeinsam steuern und nach "
          "Abschluss auswerten, was sich an der Zusammenarbeit bewährt hat. Der Schulhof "
          "soll als Pilot dienen, aus dem Regeln für weitere Projekte abgeleitet werden.",
     ["TK_REFLEXION", "TK_GOVERNANCE"]),
    ("pre", "Verabredungen:\n"
            "- Das ISV versendet das Protokoll bis zum 26. Februar 2025.\n"
            "- Frau Krüger und Frau Demir bereiten einen Vorschlag für die kollegiale\n"
            "  Beratung vor.\n"
            "- Das 2. Dialogtreffen findet am 12. März 2025 statt (Schwerpunkt: Strukturen,\n"
            "  Leitung, Wissensdialog).", []),
]

PROTOKOLL_2 = [
    ("h", "# Protokoll 2. Dialogtreffen: Querschnittsaufgaben verstetigen – Strukturen, Leitung und Wissensdialog"),
    ("pre", "**Datum:** 12. März 2025, 9:30–12:30 Uhr  \n**Ort:** digital (Videokonferenz)  \n"
            "**Moderation:** Dr. Miriam Hoffmeister, Jonas Albrecht (ISV)  \n**Protokoll:** Lena Vogt (ISV)", []),
    ("h", "## Teilnehmende"),
    ("pre", "- Sabine Krüger, Klimaanpassungsmanagerin, Stadt Auenfeld\n"
            "- Dr. Tarek Haddad, Amt für Stadtplanung und -entwicklung, Stadt Auenfeld\n"
            "- Petra Lindqvist, Integrationsbeauftragte, Stadt Lindenbrück\n"
            "- Aylin Demir, Stabsstelle Klima, Stadt Westerhagen\n"
            "- Frank Oberländer, Fachbereich Soziales, Stadt Westerhagen\n"
            "- Jana Seidel, Bauverwaltung, Gemeinde Ellerbach\n"
            "- Ömer Yıldız, Migrationsbeirat, Stadt Lindenbrück (Gast)", []),
    ("h", "## Tagesordnung"),
    ("pre", "1. Rückblick auf das 1. Dialogtreffen\n"
            "2. Welche Strukturen tragen Querschnittsaufgaben?\n"
            "3. Leitung und Koordination\n"
            "4. Wissensdialog in der Verwaltung\n"
            "5. Ausblick und Verabredungen", []),
    ("h", "## 1. Rückblick auf das erste Treffen"),
    ("p", "Frau Hoffmeister fasst die Ergebnisse des ersten Treffens zusammen. Als zentrale "
          "Barrieren wurden dort die ausgeprägte Ressortlogik, die befristete Finanzierung "
          "vieler Stellen und die allgemeine Arbeitsüberlastung genannt. Die Teilnehmenden "
          "bestätigen diese Einschätzung; Frau Seidel ergänzt, seit dem letzten Treffen sei in "
          "Ellerbach eine weitere Stelle im Bauamt unbesetzt geblieben.",
     ["BA_RESSORT", "BA_RESSOURCEN"]),
    ("p", "Frau Demir berichtet, dass Westerhagen den Klima-Check inzwischen überarbeitet hat. "
          "In jedem Fachamt gibt es nun eine benannte \"Klimapatin\" oder einen \"Klimapaten\", "
          "die bei Vorlagen beraten und die Einschätzung gegenzeichnen. Die Stabsstelle "
          "schult diese Personen zweimal im Jahr und stellt eine Handreichung mit Beispielen "
          "bereit. Erste Rückmeldungen seien positiv, die Vorlagen würden sorgfältiger ausgefüllt.",
     ["TK_GOVERNANCE", "TK_WISSEN"]),
    ("h", "## 2. Welche Strukturen tragen Querschnittsaufgaben?"),
    ("p", "Diskutiert wird, ob Querschnittsaufgaben besser in einer Stabsstelle außerhalb der "
          "Ressorts oder in einem Fachbereich innerhalb eines Dezernats angesiedelt sind. Die "
          "Erfahrungen gehen auseinander. Einigkeit besteht darin, dass in Krisenlagen – "
          "genannt werden die Unterbringung Geflüchteter 2015/16 und die Hitzewellen der "
          "letzten Jahre – ein Krisenstab außerhalb der Linie schneller handeln kann, während "
          "im Normalbetrieb klare Dienstwege innerhalb der Ressorts hilfreich sind.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Lindqvist stellt den Lenkungskreis Integration in Lindenbrück vor, in dem "
          "die Amtsleitungen von Sozialamt, Jugendamt, Schulverwaltung, Ordnungsamt und "
          "Stadtplanung vierteljährlich zusammenkommen. Anfangs sei das Gremium sehr "
          "wirksam gewesen. Inzwischen schickten die Amtsleitungen zunehmend Vertretungen "
          "aus der Sachbearbeitung, die nichts entscheiden dürfen, sodass Beschlüsse immer "
          "wieder vertagt würden.",
     ["TK_GOVERNANCE", "BA_LEITUNG"]),
    ("p", "Herr Yıldız schildert die Perspektive des Migrationsbeirats. Der Beirat sei in "
          "die Erarbeitung des Hitzeaktionsplans eingebunden worden und habe Kontakte zu "
          "Vereinen und Gemeinden vermittelt, die die Verwaltung allein nicht gehabt hätte. "
          "Allerdings arbeiteten die Mitglieder ehrenamtlich und nach Feierabend; "
          "Sitzungen um 10 Uhr vormittags schlössen viele von vornherein aus. Eine "
          "Aufwandsentschädigung gebe es nicht.",
     ["TK_KOOPERATION", "BA_SONST"]),
    ("p", "Herr Oberländer stellt die Sozialraumteams in Westerhagen vor. Für jeden Stadtteil "
          "gibt es ein festes Team aus Sozialamt, Jugendamt, Gesundheitsamt und "
          "Stadtplanung, das sich alle zwei Wochen trifft und Fälle gemeinsam bearbeitet. "
          "Seit 2024 gehört auch die Stabsstelle Klima dazu. Die Teams haben ein eigenes "
          "kleines Budget und dürfen über Maßnahmen bis zu einer bestimmten Höhe selbst "
          "entscheiden, ohne den Dienstweg über die Amtsleitungen gehen zu müssen.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Krüger ergänzt, dass in Auenfeld die städtische Wohnungsbaugesellschaft ein "
          "wichtiger Partner geworden ist. Gemeinsam mit ihr und zwei Wohlfahrtsverbänden "
          "wurden in drei Hochhäusern Hitzepaten aus der Mieterschaft gewonnen, die in "
          "Hitzeperioden bei älteren Nachbarinnen und Nachbarn klingeln. Die Verwaltung "
          "allein hätte weder den Zugang zu den Häusern noch das Vertrauen der "
          "Bewohnerschaft gehabt.",
     ["TK_KOOPERATION"]),
    ("p", "Herr Haddad berichtet vom Integrierten Stadtentwicklungskonzept in Auenfeld, das "
          "vor vier Jahren in einem breiten Beteiligungsverfahren mit allen Ressorts erarbeitet "
          "wurde. Nach dem Neuzuschnitt der Dezernate im vergangenen Jahr fühle sich jedoch "
          "kaum noch jemand an die damals vereinbarten Kooperationen gebunden. Das Konzept "
          "stehe im Regal, die Umsetzung bleibe hinter den Beschlüssen zurück.",
     ["BA_KOORDINATION"]),
    ("p", "Frau Krüger wendet ein, dass Doppelstrukturen nicht per se schädlich seien. In "
          "Auenfeld arbeiteten Klimaanpassungsmanagement und Gesundheitsamt parallel an "
          "Hitzeschutz, hätten sich aber früh auf eine Arbeitsteilung verständigt und "
          "tauschten sich regelmäßig aus. Problematisch werde es erst, wenn Parallelstrukturen "
          "nicht kommuniziert werden und Konkurrenz um Zuständigkeiten entsteht.",
     ["TK_GOVERNANCE", "BA_KOORDINATION"]),
    ("h", "## 3. Leitung und Koordination"),
    ("p", "Die Teilnehmenden beschreiben die Rolle der Beauftragten als strukturell schwierig. "
          "In großen Verwaltungen sei es für eine einzelne Stelle kaum möglich, zu überblicken, "
          "wo Integrations- oder Klimabelange berührt sind. Die Fachämter bezögen die "
          "Beauftragten selten von sich aus ein, sondern meldeten sich erst, wenn ein Vorhaben "
          "bereits festgelegt ist. Das Denken in Zuständigkeiten sei tief verankert.",
     ["BA_RESSORT"]),
    ("p", "Herr Yıldız bestätigt diesen Eindruck aus Sicht des Beirats. Anliegen aus den "
          "Communities, etwa zu fehlender Verschattung an Bushaltestellen oder zu "
          "Hitzewarnungen in weiteren Sprachen, würden zwischen Ordnungsamt, Tiefbauamt und "
          "Integrationsbüro hin- und hergeschoben, weil sich jede Stelle nur für einen Teil "
          "zuständig sehe. Für Ehrenamtliche sei das entmutigend; manche hätten deshalb "
          "aufgehört, überhaupt Vorschläge einzubringen.",
     ["BA_RESSORT"]),
    ("p", "Frau Seidel berichtet, dass in Ellerbach der neue Bau- und Umweltdezernent das "
          "Thema Klimaanpassung selbst in die wöchentliche Amtsleiterrunde eingebracht hat. "
          "Er lasse sich bei jedem größeren Bauvorhaben berichten, wie Starkregen und Hitze "
          "berücksichtigt wurden. Seitdem werde sie als Ansprechpartnerin früher eingebunden. "
          "Leitung könne Türen öffnen, die man auf Arbeitsebene nicht aufbekomme.",
     ["TK_LEITUNG"]),
    ("p", "Frau Krüger berichtet, dass sie sich mit der Integrationsbeauftragten in Auenfeld "
          "zu einem Tandem zusammengetan hat. Beide treten seit dem Herbst gemeinsam in der "
          "Amtsleiterrunde auf und bringen Hitzeschutz und Integration als verbundene Themen "
          "ein. Als Tandem würden sie eher gehört, und sie könnten zwischen den Ämtern "
          "vermitteln, statt jeweils allein um Aufmerksamkeit zu werben.",
     ["TK_LEITUNG"]),
    ("p", "Kritisch diskutiert wird die Personalpolitik. Herr Oberländer berichtet, dass in "
          "Westerhagen eine Abteilungsleitung mit Zuständigkeit für Integration mit einer "
          "Person ohne jeden fachlichen Bezug besetzt wurde, obwohl im Haus qualifiziertes "
          "Personal vorhanden gewesen sei. Solche Entscheidungen würden als Signal "
          "verstanden, dass das Thema der Spitze nicht wichtig ist, und untergrüben die "
          "Akzeptanz der Arbeit.",
     ["BA_LEITUNG"]),
    ("p", "Frau Demir betont, dass gute Führung vor allem Freiräume schaffe. Ihr Dezernent "
          "habe ausdrücklich erlaubt, neue Beteiligungsformate auszuprobieren, auch wenn sie "
          "scheitern könnten. Nach jedem Format werde im Team kurz ausgewertet, was man "
          "beim nächsten Mal anders machen würde. Diese Fehlerfreundlichkeit sei in der "
          "Verwaltung ungewöhnlich, aber entscheidend für das Lernen.",
     ["TK_LEITUNG", "TK_REFLEXION"]),
    ("p", "Mit Blick auf die Politik wird festgehalten, dass sich Prioritäten nach Wahlen "
          "schnell verschieben können. In Auenfeld hat der Rat im Zuge der Haushaltssicherung "
          "die Mittel für das Stadtklimaprogramm halbiert, weil es sich um eine freiwillige "
          "Leistung handelt. Herr Haddad spricht von einem \"Stop-and-go\", das langfristige "
          "Planung nahezu unmöglich mache.",
     ["BA_PFLICHT"]),
    ("p", "Frau Demir beobachtet, dass das Verständnis für die Verbindung der Themen wächst. "
          "Wer einmal gesehen habe, dass in den Neubauquartieren am Stadtrand vor allem "
          "Familien mit Fluchtgeschichte in schlecht gedämmten Wohnungen leben, verstehe, "
          "warum Klimaanpassung auch eine Frage der Integration und der sozialen "
          "Gerechtigkeit ist. Dieses Bewusstsein für Zusammenhänge sei die Voraussetzung "
          "dafür, dass Ämter sich überhaupt angesprochen fühlen.",
     ["TK_SYSTEM"]),
    ("h", "## 4. Wissensdialog in der Verwaltung"),
    ("p", "Frau Krüger berichtet vom ersten Verwaltungstag in Auenfeld, der als Folge des "
          "letzten Dialogtreffens im Februar stattfand. Zwölf Ämter stellten an Thementischen "
          "ihre laufenden Vorhaben vor, die Teilnahme galt als Arbeitszeit. Viele Kolleginnen "
          "und Kollegen hätten erstmals erfahren, woran die Nachbarämter arbeiten; mehrere "
          "Verabredungen zur Zusammenarbeit seien direkt vor Ort entstanden.",
     ["TK_WISSEN"]),
    ("p", "Herr Haddad beschreibt als Grundproblem, dass in der Verwaltung meist nur "
          "Wissen über den eigenen Prozessabschnitt vorhanden ist. Wer einen Bebauungsplan "
          "bearbeitet, wisse selten, wie die Grünflächen später gepflegt werden oder welche "
          "Folgen eine Planung für die Bewohnerschaft hat. Ohne Kenntnis des Gesamtprozesses "
          "könne man im Problemfall nicht mitdenken.",
     ["BA_WISSEN"]),
    ("p", "Mehrfach wird die Sorge geäußert, dass Wissen mit dem Auslaufen befristeter "
          "Stellen verloren geht. In Lindenbrück wurde deshalb ein einfaches Übergabeverfahren "
          "eingeführt: Wer eine Projektstelle verlässt, dokumentiert Kontakte, laufende "
          "Absprachen und offene Punkte in einer gemeinsamen Ablage. Frau Lindqvist räumt ein, "
          "dass dies die Lücke nur teilweise schließt, solange Stellen nach Förderende "
          "monatelang unbesetzt bleiben.",
     ["TK_WISSEN", "BA_RESSOURCEN"]),
    ("p", "Zu den interkulturellen Fortbildungen berichtet Frau Lindqvist, dass die Angebote "
          "vor allem von Beschäftigten genutzt werden, die ohnehin offen für das Thema sind. "
          "Aus Bereichen wie Bauordnung oder Kämmerei melde sich kaum jemand an; teils werde "
          "offen gesagt, das Thema betreffe die eigene Arbeit nicht. Zudem fehle vielen die "
          "Zeit, einen ganzen Fortbildungstag freizumachen.",
     ["BA_KULTUR", "BA_RESSOURCEN"]),
    ("p", "In Westerhagen wurde im Intranet ein Wiki zu Klimaanpassung eingerichtet, in dem "
          "Leitfäden, Checklisten, Ansprechpersonen und Beispiele aus abgeschlossenen "
          "Vorhaben gesammelt werden. Frau Demir berichtet, dass die Seiten vor allem von "
          "neuen Kolleginnen und Kollegen genutzt werden. Einmal im Monat bietet die "
          "Stabsstelle außerdem eine offene Sprechstunde an, in der Fachämter Fragen zu "
          "konkreten Vorgängen stellen können.",
     ["TK_WISSEN"]),
    ("p", "Herr Oberländer ist skeptisch, ob ein weiteres Wiki hilft. In seinem Haus gebe es "
          "bereits mehrere Ablagen, die niemand pflegt. Das eigentliche Problem sei eine "
          "Haltung, nach der Wissen als eigenes Herrschaftswissen gilt, das man nicht ohne "
          "Not mit anderen Abteilungen teilt. Solange sich daran nichts ändere, helfe auch "
          "die beste Plattform wenig.",
     ["BA_KULTUR"]),
    ("p", "Die Zusammenarbeit mit der Wissenschaft wird von mehreren Teilnehmenden als "
          "hilfreich beschrieben. Herr Brenner hatte im Vorfeld schriftlich zurückgemeldet, "
          "dass die externe Moderation helfe, implizites Erfahrungswissen explizit zu machen. "
          "Frau Demir ergänzt, dass der Vergleich mit anderen Städten den Blick auf die eigenen "
          "Routinen schärfe und Anlass gebe, diese zu hinterfragen.",
     ["TK_KOOPERATION", "TK_REFLEXION"]),
    ("h", "## 5. Ausblick und Verabredungen"),
    ("p", "Zum Abschluss halten die Teilnehmenden fest, dass neue Strukturen allein nicht "
          "ausreichen. Entscheidend seien Verbindlichkeit, Offenheit und regelmäßige Zeit, "
          "um die eigene Arbeit gemeinsam zu reflektieren. Die Dialogreihe selbst wird als "
          "ein solcher Reflexionsraum wahrgenommen, den es im Verwaltungsalltag sonst kaum "
          "gibt.",
     ["TK_REFLEXION"]),
    ("p", "Offen bleibt die Frage, wie Aufgebautes nach dem Ende von Förderprogrammen "
          "gesichert werden kann. Mehrere Teilnehmende sprechen sich dafür aus, gemeinsam mit "
          "anderen Kommunen gegenüber dem Land dafür einzutreten, Klimaanpassung und "
          "Integration als kommunale Pflichtaufgaben mit entsprechender Finanzierung zu "
          "verankern. Solange beides freiwillig bleibe, hänge alles von der jeweiligen "
          "Haushaltslage ab.",
     ["BA_PFLICHT"]),
    ("pre", "- Das 3. Dialogtreffen findet am 9. April 2025 statt. Thema: Wie kann Aufgebautes\n  stabilisiert werden?\n"
            "- Frau Krüger stellt die Auswertung des Verwaltungstags zur Verfügung.\n"
            "- Herr Yıldız klärt, ob ein Treffen am frühen Abend für den Beirat möglich ist.", []),
]



def _insert_before(blocks: list, marker: tuple, extra: list) -> None:
    i = blocks.index(marker)
    blocks[i:i] = extra


# Pages 2 and 4 of the .txt end inside the added discussion (page furniture sits between
# paragraphs), so the protocol has 5 pages.
_insert_before(PROTOKOLL_1, ("page", 2), P1_MORE_4[:7] + [("page", 2)] + P1_MORE_4[7:])
_insert_before(PROTOKOLL_1, ("page", 3), P1_MORE_5[:7] + [("page", 4)] + P1_MORE_5[7:])
_insert_before(PROTOKOLL_2, ("h", "## 3. Leitung und Koordination"), P2_MORE_2)
_insert_before(PROTOKOLL_2, ("h", "## 4. Wissensdialog in der Verwaltung"), P2_MORE_3)
_insert_before(PROTOKOLL_2, ("h", "## 5. Ausblick und Verabredungen"), P2_MORE_4)

# Protocol 3 (.docx). Block kinds: ("title", text), ("h1", text), ("h2", text),
# ("p", text, codes) normal paragraph, ("list", [items], codes) bulleted list (one
# passage), ("table", [[cells], ...], [codes per row]) one passage per row.
PROTOKOLL_3 = [
    ("title", "Protokoll 3. Dialogtreffen: Aufgebautes stabilisieren – Handlungsräume erweitern"),
    ("p", "Datum: 9. April 2025, 16:00 bis 18:30 Uhr. Ort: digital (Videokonferenz); die ursprünglich "
          "geplante Strategiewerkstatt vor Ort kam aus Termingründen nicht zustande. Moderation: "
          "Dr. Miriam Hoffmeister, Jonas Albrecht (ISV). Protokoll: Lena Vogt (ISV).", []),
    ("h1", "Teilnehmende"),
    ("list", ["Sabine Krüger, Klimaanpassungsmanagerin, Stadt Auenfeld",
              "Dr. Tarek Haddad, Amt für Stadtplanung und -entwicklung, Stadt Auenfeld",
              "Petra Lindqvist, Integrationsbeauftragte, Stadt Lindenbrück",
              "Markus Brenner, Umweltamt, Stadt Lindenbrück",
              "Aylin Demir, Stabsstelle Klima, Stadt Westerhagen",
              "Jana Seidel, Bauverwaltung, Gemeinde Ellerbach",
              "Ömer Yıldız, Migrationsbeirat, Stadt Lindenbrück (Gast)"], []),
    ("h1", "1. Stand in den Städten"),
    ("p", "Frau Krüger berichtet, dass der Hitzeaktionsplan in Auenfeld im März vom Rat beschlossen "
          "wurde. Die ämterübergreifende Arbeitsgruppe, die den Plan erarbeitet hat, soll als "
          "ständige Steuerungsgruppe weiterbestehen und zweimal im Jahr über den Stand der "
          "Maßnahmen berichten. Eine Geschäftsordnung regelt, wer einlädt und wer protokolliert.",
     ["TK_GOVERNANCE"]),
    ("p", "Ihre eigene Stelle sei dagegen weiterhin nur bis Herbst 2026 finanziert. Ein Antrag, die "
          "Koordination in den Stellenplan zu übernehmen, sei im Haushaltsentwurf nicht "
          "berücksichtigt worden. Ohne feste Stelle hänge die Steuerungsgruppe an einer Person, "
          "deren Vertrag ausläuft.",
     ["BA_RESSOURCEN"]),
    ("p", "Herr Brenner berichtet, dass die Starkregengefahrenkarten in Lindenbrück inzwischen "
          "verbindlich in die Prüfung von Bauanträgen aufgenommen wurden. Eine Dienstanweisung "
          "legt fest, dass die Bauaufsicht bei Vorhaben in markierten Bereichen das Umweltamt "
          "beteiligt. Damit sei eine Lücke geschlossen, die beim ersten Treffen noch beklagt wurde.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Demir ergänzt, dass die Klimapatinnen und Klimapaten in Westerhagen sich "
          "mittlerweile selbst organisieren: Sie treffen sich einmal im Quartal ohne die "
          "Stabsstelle, tauschen Fälle aus und sammeln Beispiele für gelungene Vorlagen. Die "
          "Stabsstelle stelle nur noch den Raum und die Vorlagensammlung zur Verfügung.",
     ["TK_WISSEN"]),
    ("p", "Frau Seidel berichtet von einem Rückschlag in Ellerbach. Nach dem Umbau der "
          "Bauverwaltung sei die Zuständigkeit für Regenwasser und Straßenbäume weiterhin "
          "ungeklärt; zwei Sachgebiete verwiesen Anfragen jeweils an das andere. Bürgerinnen und "
          "Bürger hätten sich beschwert, weil niemand auf ihre Hinweise zu überfluteten "
          "Kellern reagiert habe.",
     ["BA_RESSORT"]),
    ("p", "Frau Lindqvist berichtet, dass die Hitzewarnungen in mehreren Sprachen in Lindenbrück "
          "in diesem Jahr wieder verschickt werden. Neu sei, dass der Migrationsbeirat die Texte "
          "vorab prüft und die Verteilung über die Communities selbst organisiert. Die Stadt "
          "finanziere dafür eine kleine Aufwandsentschädigung.",
     ["TK_KOOPERATION"]),
    ("p", "Herr Yıldız bestätigt das und fügt hinzu, dass der Beirat sich dadurch ernster "
          "genommen fühle. Man werde nicht mehr nur um Verteilung gebeten, sondern an der "
          "Gestaltung beteiligt. Das habe auch die Bereitschaft erhöht, sich an anderen Themen "
          "der Stadt zu beteiligen.",
     ["TK_KOOPERATION"]),
    ("h1", "2. Was trägt? Strukturen verstetigen"),
    ("p", "Frau Hoffmeister leitet die Diskussion mit der Frage ein, woran man erkennt, dass eine "
          "Struktur auch ohne die Personen funktioniert, die sie aufgebaut haben. Die "
          "Teilnehmenden nennen drei Merkmale: schriftliche Verfahren, feste Zuständigkeiten im "
          "Geschäftsverteilungsplan und eine Finanzierung aus dem Kernhaushalt.",
     ["TK_GOVERNANCE"]),
    ("p", "Herr Haddad gibt zu bedenken, dass Verfahren allein nicht tragen. Der Klima-Check in "
          "Westerhagen sei jahrelang ein Formular gewesen, das niemand ernst nahm. Entscheidend "
          "sei, dass Vereinbarungen überprüft werden und es Folgen hat, wenn sie nicht "
          "eingehalten werden. Solange das fehle, blieben Beschlüsse auf dem Papier.",
     ["BA_KOORDINATION"]),
    ("p", "Frau Demir stimmt zu und berichtet, dass Westerhagen deshalb eine jährliche "
          "Auswertung des Klima-Checks eingeführt hat. Die Stabsstelle zieht eine Stichprobe von "
          "Vorlagen, bespricht sie mit den Klimapaten und stellt die Ergebnisse im "
          "Verwaltungsvorstand vor. Aus der ersten Auswertung seien bereits Änderungen am "
          "Formular entstanden.",
     ["TK_REFLEXION", "TK_GOVERNANCE"]),
    ("p", "Frau Krüger fragt, ob eine Stabsstelle beim Oberbürgermeister oder ein eigenes Amt "
          "die stabilere Lösung sei. Die Erfahrungen sind gemischt. Eine Stabsstelle habe "
          "kurze Wege zur Spitze, verliere aber an Gewicht, sobald die Spitze wechselt; ein Amt "
          "sei stabiler, laufe aber Gefahr, als weiteres Ressort behandelt zu werden.",
     ["TK_GOVERNANCE", "TK_SYSTEM"]),
    ("p", "Herr Brenner beschreibt, dass die Zusammenarbeit zwischen Umweltamt und Sozialamt in "
          "Lindenbrück vor allem deshalb trägt, weil beide Ämter eine gemeinsame Zielvereinbarung "
          "unterschrieben haben. Darin steht, welche Maßnahmen zum Hitzeschutz in welchem Jahr "
          "umgesetzt werden und wer federführend ist.",
     ["TK_GOVERNANCE"]),
    ("p", "Frau Lindqvist weist darauf hin, dass in Lindenbrück das Integrationskonzept von 2019 "
          "noch immer nicht fortgeschrieben wurde. Die damals gebildete Lenkungsgruppe habe seit "
          "zwei Jahren nicht getagt, und niemand habe das offiziell beendet. Es existierten also "
          "Gremien, die nur noch auf dem Papier stehen.",
     ["BA_KOORDINATION"]),
    ("p", "Mehrere Teilnehmende betonen, dass Integration und Klimaanpassung als freiwillige "
          "Aufgaben bei jeder Haushaltsaufstellung neu verhandelt werden. Frau Seidel berichtet, "
          "dass der Gemeinderat in Ellerbach die Mittel für Entsiegelung zugunsten der "
          "Sanierung einer Sporthalle gestrichen hat; Pflichtaufgaben gingen eben vor.",
     ["BA_PFLICHT"]),
    ("p", "Herr Haddad schlägt vor, Querschnittsthemen in bestehende Pflichtverfahren "
          "einzubinden, statt eigene Programme aufzulegen. Wenn Hitzeschutz Teil jeder "
          "Bauleitplanung und jedes Schulbauprojekts sei, müsse er nicht jedes Jahr neu "
          "begründet werden. Dafür müssten aber die Fachplanenden verstehen, wie die Themen "
          "zusammenhängen.",
     ["TK_SYSTEM"]),
    ("h1", "3. Leitung, Personal und Verantwortung"),
    ("p", "Frau Demir berichtet, dass nach der Oberbürgermeisterwahl in Westerhagen unklar war, "
          "ob die Stabsstelle Klima bleibt. Die neue Oberbürgermeisterin habe in ihrer ersten "
          "Dezernentenkonferenz erklärt, dass Klimaanpassung Chefsache bleibe, und die "
          "Stabsstelle ausdrücklich bestätigt. Das habe viel Unsicherheit genommen.",
     ["TK_LEITUNG"]),
    ("p", "In Auenfeld dagegen habe der Wechsel des Sozialdezernenten dazu geführt, dass das "
          "Thema Hitzeschutz im Sozialbereich vorerst ruht, berichtet Frau Krüger. Der neue "
          "Dezernent habe andere Schwerpunkte gesetzt und die Teilnahme seines Bereichs an der "
          "Steuerungsgruppe nicht mehr eingefordert, ohne dies zu begründen.",
     ["BA_LEITUNG"]),
    ("p", "Frau Lindqvist beschreibt, dass Beauftragte ohne eigenes Budget und ohne "
          "Weisungsrecht auf das Wohlwollen der Amtsleitungen angewiesen bleiben. Ihre "
          "Stellungnahmen würden zwar eingeholt, aber selten berücksichtigt; eine Rückmeldung, "
          "warum ein Hinweis nicht aufgegriffen wurde, erhalte sie fast nie.",
     ["BA_LEITUNG"]),
    ("p", "Herr Brenner ergänzt, dass sein Amtsleiter ihm ausdrücklich einen Tag pro Woche für "
          "ämterübergreifende Arbeit freigehalten hat. Diese Rückendeckung sei entscheidend "
          "gewesen, um an der Arbeitsgruppe mit dem Sozialamt dauerhaft teilnehmen zu können, "
          "obwohl sich im Umweltamt die Vorgänge stapeln.",
     ["TK_LEITUNG"]),
    ("p", "Zur Personalsituation wird festgehalten, dass in allen Städten Stellen mit "
          "Querschnittsbezug monatelang unbesetzt bleiben. Bewerberinnen und Bewerber "
          "entschieden sich häufig für unbefristete Angebote anderer Arbeitgeber. Wer bleibt, "
          "übernimmt die Aufgaben der offenen Stellen zusätzlich und ist entsprechend "
          "überlastet.",
     ["BA_RESSOURCEN"]),
    ("p", "Frau Seidel kritisiert, dass in Ellerbach Aufgaben oft ohne Rücksprache einzelnen "
          "Beschäftigten zugewiesen werden. Ein Kollege aus dem Bauhof sei ohne Vorbereitung "
          "zum Ansprechpartner für Klimaanpassung bestimmt worden. Solche Abordnungen ohne "
          "Erklärung demotivierten und führten dazu, dass die Aufgabe nur nebenher erledigt "
          "werde.",
     ["BA_LEITUNG", "BA_RESSOURCEN"]),
    ("p", "Frau Demir betont, dass viel vom persönlichen Einsatz einzelner Beschäftigter abhängt. "
          "In Westerhagen habe eine Kollegin aus der Kämmerei aus eigenem Interesse begonnen, "
          "Fördermittel für Klimaanpassung zu recherchieren, und damit zwei Projekte "
          "ermöglicht. Ein solches Engagement lasse sich nicht anordnen, aber man könne es "
          "sichtbar machen und würdigen.",
     ["TK_SONST"]),
    ("p", "Herr Yıldız fragt, warum Stellen mit Bezug zu Integration selten mit Menschen mit "
          "eigener Migrationsgeschichte besetzt werden. Die Teilnehmenden räumen ein, dass die "
          "Ausschreibungen oft Abschlüsse verlangen, die im Ausland erworben nicht anerkannt "
          "werden. Hier sehe man Handlungsbedarf in den Personalämtern.",
     ["BA_SONST"]),
    ("h1", "4. Handlungsräume erweitern"),
    ("h2", "4.1 Experimentierräume"),
    ("p", "Herr Albrecht stellt die Leitfrage des Abschnitts vor: Welche Prozesse eignen sich, "
          "um neue Formen der Zusammenarbeit im Kleinen auszuprobieren? Genannt werden "
          "Schulhofumgestaltungen, die Planung von Quartiersplätzen und die Vorbereitung des "
          "Hitzesommers, weil dort mehrere Ämter ohnehin beteiligt sind.",
     ["TK_REFLEXION"]),
    ("p", "Frau Lindqvist berichtet, dass der entsiegelte Schulhof in Lindenbrück im Mai "
          "eröffnet wird. Die beteiligten Ämter haben vereinbart, nach einem halben Jahr "
          "gemeinsam zurückzublicken: Was hat die Zusammenarbeit erleichtert, wo gab es "
          "Reibung, und was soll beim nächsten Schulhof anders laufen? Die Ergebnisse sollen "
          "in eine Checkliste münden.",
     ["TK_REFLEXION"]),
    ("p", "Herr Haddad berichtet von einem Versuch in Auenfeld, einen Quartiersplatz gemeinsam "
          "mit Anwohnenden zu planen. Der Versuch sei in Teilen gescheitert, weil die "
          "Beteiligung zu spät kam. Die Verwaltung habe aber offen ausgewertet, woran es lag, "
          "und die Beteiligung beim nächsten Platz früher angesetzt.",
     ["TK_REFLEXION"]),
    ("p", "Frau Seidel gibt zu bedenken, dass Experimente in kleinen Verwaltungen schwer zu "
          "rechtfertigen seien. Wenn etwas schiefgehe, werde sofort nach Verantwortlichen "
          "gesucht; Fehler würden im Haus eher verschwiegen als besprochen. Unter diesen "
          "Bedingungen probiere niemand freiwillig etwas Neues aus.",
     ["BA_KULTUR"]),
    ("p", "Herr Brenner verweist auf das Vergaberecht als Hürde. Um kleine Pilotaufträge etwa an "
          "Landschaftsgärtner oder Übersetzungsbüros schnell zu vergeben, fehle es an "
          "vereinfachten Verfahren; drei Angebote einzuholen dauere oft länger als das "
          "Pilotprojekt selbst.",
     ["BA_SONST"]),
    ("h2", "4.2 Kooperation über die Verwaltung hinaus"),
    ("p", "Frau Krüger berichtet, dass Auenfeld sich einem regionalen Netzwerk von "
          "Klimaanpassungsmanagerinnen und -managern angeschlossen hat. Man treffe sich alle "
          "zwei Monate, tausche Ausschreibungstexte und Erfahrungen aus und habe gemeinsam "
          "eine Stellungnahme an das Land verfasst.",
     ["TK_KOOPERATION"]),
    ("p", "Herr Yıldız regt an, die Migrantenorganisationen nicht nur bei Hitzewarnungen, sondern "
          "auch bei der Planung kühler Orte einzubeziehen. Viele Familien wüssten genau, wo es "
          "im Sommer unerträglich wird, würden aber nie gefragt. Die Teilnehmenden nehmen den "
          "Vorschlag auf.",
     ["TK_KOOPERATION"]),
    ("p", "Frau Demir berichtet von einer Kooperation mit der örtlichen Hochschule in "
          "Westerhagen. Studierende haben in einem Seminar Temperaturmessungen in drei "
          "Quartieren durchgeführt und mit Bewohnerinnen und Bewohnern über ihre Erfahrungen "
          "mit Hitze gesprochen. Die Ergebnisse fließen in die Fortschreibung des "
          "Klimaanpassungskonzepts ein.",
     ["TK_KOOPERATION"]),
    ("p", "Herr Haddad merkt an, dass Kooperationen mit Externen manchmal an der eigenen "
          "Verwaltung scheitern. Vereine erhielten Antworten erst nach Wochen, Zuständigkeiten "
          "wechselten ohne Mitteilung, und Zusagen würden nicht eingehalten. Das verspiele "
          "Vertrauen, das mühsam aufgebaut wurde.",
     ["BA_KOORDINATION"]),
    ("h1", "5. Wissen sichern und weitergeben"),
    ("p", "Frau Krüger stellt die Auswertung des Verwaltungstags in Auenfeld vor. Drei Viertel der "
          "Teilnehmenden wünschen sich eine Wiederholung; besonders geschätzt wurden die "
          "Thementische, an denen Ämter ihre Vorhaben erklärten. Der nächste Verwaltungstag ist "
          "für den Herbst geplant und soll einen Schwerpunkt auf Hitze und soziale Lage haben.",
     ["TK_WISSEN"]),
    ("p", "Frau Lindqvist berichtet, dass das Übergabeverfahren für Projektstellen in "
          "Lindenbrück erstmals angewendet wurde. Die Übergabemappe habe geholfen, sei aber "
          "schnell veraltet, weil niemand sie nach dem Wechsel weiterpflegt. Wissen bleibe an "
          "Personen gebunden, solange niemand dafür zuständig ist.",
     ["TK_WISSEN", "BA_KOORDINATION"]),
    ("p", "Herr Brenner sieht das Hauptproblem darin, dass vielen Beschäftigten schlicht nicht "
          "bewusst ist, welche Bedeutung Klimaanpassung für ihr Fachgebiet hat. Im Tiefbau "
          "gelte Hitze als Wetter, nicht als Planungsaufgabe. Solange dieses Verständnis fehle, "
          "würden Hinweise aus dem Umweltamt als Störung erlebt.",
     ["BA_WISSEN"]),
    ("p", "Frau Demir schlägt vor, kurze Lernformate in bestehende Besprechungen einzubauen: zehn "
          "Minuten zu einem Praxisbeispiel in der Amtsleiterrunde statt eines ganzen "
          "Fortbildungstags. In Westerhagen habe man damit begonnen, und die Resonanz sei "
          "besser als bei klassischen Schulungen.",
     ["TK_WISSEN"]),
    ("p", "Herr Yıldız ergänzt, dass auch die Verwaltung von den Communities lernen könne, "
          "etwa darüber, wie Familien in beengten Wohnungen mit Hitze umgehen. Ein solcher "
          "Austausch in beide Richtungen finde bisher kaum statt, weil die Verwaltung sich vor "
          "allem als Absender von Informationen verstehe.",
     ["TK_KOOPERATION", "TK_SYSTEM"]),
    ("p", "Frau Seidel berichtet, dass in Ellerbach die Unterlagen zur Entwässerung inzwischen "
          "digitalisiert wurden. Ein pensionierter Mitarbeiter habe dafür ehrenamtlich seine "
          "Notizen erläutert. Dass dies nur durch Zufall und persönliche Bereitschaft möglich "
          "war, zeige, wie wenig Wissenssicherung bisher geregelt sei.",
     ["TK_SONST", "BA_WISSEN"]),
    ("p", "Die Teilnehmenden diskutieren, ob ein gemeinsamer Leitfaden der vier Städte sinnvoll "
          "wäre. Man einigt sich darauf, keinen weiteren umfangreichen Leitfaden zu schreiben, "
          "sondern eine kurze Sammlung erprobter Beispiele mit Ansprechpersonen anzulegen, die "
          "alle Städte nutzen und ergänzen können.",
     ["TK_WISSEN", "TK_KOOPERATION"]),
    ("h1", "6. Barrieren der Verstetigung"),
    ("p", "Herr Haddad beschreibt die Verwaltungskultur als größte Bremse. In manchen Ämtern "
          "werde jede neue Anforderung zunächst als Zumutung abgewehrt; man warte ab, ob sich "
          "das Thema von selbst erledige. Mit Argumenten allein sei gegen diese Haltung wenig "
          "auszurichten.",
     ["BA_KULTUR"]),
    ("p", "Frau Krüger ergänzt, dass Querschnittsthemen in der Hierarchie oft steckenbleiben. "
          "Eine Anfrage an ein anderes Amt müsse über Amtsleitung und Dezernat laufen und "
          "komme dann auf demselben Weg zurück. Für einfache Absprachen zwischen "
          "Sachbearbeitenden sei dieser Dienstweg viel zu lang.",
     ["BA_RESSORT"]),
    ("p", "Frau Lindqvist berichtet, dass Integration in Lindenbrück immer noch als Aufgabe ihres "
          "Büros gesehen wird, nicht als Aufgabe aller Ämter. Fachämter verwiesen Anfragen "
          "von Migrantenorganisationen an sie weiter, auch wenn es um Baugenehmigungen oder "
          "Grünflächen gehe.",
     ["BA_RESSORT"]),
    ("p", "Herr Brenner nennt als weitere Barriere, dass die Wirkung von Maßnahmen kaum gemessen "
          "wird. Weil niemand auswertet, ob Trinkbrunnen, kühle Orte oder Hitzewarnungen "
          "tatsächlich genutzt werden, fehlten Argumente in der Haushaltsberatung, und "
          "Maßnahmen würden doppelt oder gar nicht umgesetzt.",
     ["BA_KOORDINATION"]),
    ("p", "Frau Demir weist darauf hin, dass die Haushaltssperre in Westerhagen alle neuen "
          "freiwilligen Ausgaben stoppt. Auch Maßnahmen aus dem beschlossenen "
          "Klimaanpassungskonzept dürften derzeit nicht begonnen werden, weil sie keine "
          "gesetzliche Pflicht erfüllen.",
     ["BA_PFLICHT"]),
    ("p", "Frau Seidel ergänzt, dass in Ellerbach vielen Beschäftigten unklar sei, was "
          "Klimaanpassung konkret für ihre Aufgaben bedeutet. Beispiele aus vergleichbar kleinen "
          "Gemeinden fehlten; die Leitfäden des Landes seien auf Großstädte zugeschnitten.",
     ["BA_WISSEN"]),
    ("p", "Herr Yıldız beobachtet, dass manche Ämter Anliegen aus den Communities grundsätzlich "
          "mit Skepsis begegnen. Vorschläge des Beirats würden als Einmischung verstanden und "
          "nicht als Hinweis, den man prüfen sollte.",
     ["BA_KULTUR"]),
    ("p", "Frau Krüger weist auf die Lage nach dem Auslaufen von Förderprogrammen hin. In "
          "Auenfeld seien zwei Projektstellen des Quartiersmanagements ersatzlos weggefallen; "
          "die aufgebauten Kontakte zu den Nachbarschaftsinitiativen seien seither verwaist.",
     ["BA_RESSOURCEN"]),
    ("p", "Zum Abschluss des Abschnitts tragen die Teilnehmenden in einer Tabelle zusammen, was "
          "in ihren Städten trägt und was fehlt.",
     []),
    ("table", [["Stadt", "Was trägt", "Was fehlt"],
               ["Auenfeld", "Steuerungsgruppe zum Hitzeaktionsplan mit Geschäftsordnung",
                "feste Stelle für die Koordination nach 2026"],
               ["Lindenbrück", "Zusammenarbeit mit Migrationsbeirat und Moscheegemeinden bei Hitzewarnungen",
                "Fortschreibung des Integrationskonzepts, aktive Lenkungsgruppe"],
               ["Westerhagen", "Rückendeckung der Oberbürgermeisterin für die Stabsstelle",
                "Mittel für Maßnahmen während der Haushaltssperre"],
               ["Ellerbach", "kurze Wege und persönliche Bekanntschaft im Haus",
                "geklärte Zuständigkeit für Regenwasser nach dem Umbau der Bauverwaltung"]],
     [[], ["TK_GOVERNANCE", "BA_RESSOURCEN"], ["TK_KOOPERATION", "BA_KOORDINATION"],
      ["TK_LEITUNG", "BA_PFLICHT"], ["TK_SONST", "BA_RESSORT"]]),
    ("h1", "7. Ergebnisse der Dialogreihe"),
    ("p", "Frau Hoffmeister fasst zusammen, dass sich in allen Städten seit Februar etwas bewegt "
          "hat. Die Teilnehmenden schätzen vor allem, dass die Treffen Zeit zum Nachdenken über "
          "die eigene Arbeit geboten haben. Diese Zeit fehle im Alltag; man wolle versuchen, "
          "sie sich auch nach dem Ende der Reihe zu nehmen.",
     ["TK_REFLEXION"]),
    ("p", "Als wichtigste Erkenntnis halten die Teilnehmenden fest, dass Integration und "
          "Klimaanpassung sich an vielen Stellen überschneiden: bei Hitze in Unterkünften, bei "
          "der Ansprache verwundbarer Gruppen und bei der Gestaltung öffentlicher Räume. Wer "
          "diese Verbindungen kennt, finde leichter Verbündete in anderen Ämtern.",
     ["TK_SYSTEM"]),
    ("p", "Die Teilnehmenden vereinbaren, sich auch ohne Begleitung durch das ISV zweimal im Jahr "
          "digital auszutauschen. Die Einladung übernimmt reihum eine der vier Städte. Für das "
          "erste Treffen im Herbst bringt Frau Seidel das Thema Zuständigkeiten nach "
          "Verwaltungsumbauten ein.",
     ["TK_KOOPERATION"]),
    ("p", "Verabredungen: Das ISV versendet das Protokoll und die Beispielsammlung bis Ende April. "
          "Frau Demir stellt die Vorlage für die Auswertung des Klima-Checks zur Verfügung. Das "
          "erste selbst organisierte Treffen findet im Oktober 2025 statt.",
     []),
]


VOWELS = set("aeiouyäöüAEIOUYÄÖÜ")
NO_SPLIT = {"ch", "ck", "ph", "th", "qu", "sc"}


def hyphen_points(word: str) -> list[int]:
    """Crude German syllable breaks (V-CV and VC-CV), >= 3 letters each side."""
    pts = []
    for i in range(3, len(word) - 2):
        a, b = word[i - 1], word[i]
        if not (a.isalpha() and b.isalpha() and word[i + 1].isalpha()):
            continue
        if word[i - 1:i + 1].lower() in NO_SPLIT or word[i - 2:i].lower() == "sc":
            continue
        if a in VOWELS and b not in VOWELS and word[i + 1] in VOWELS:
            pts.append(i)
        elif a not in VOWELS and b not in VOWELS and word[i - 2] in VOWELS and word[i + 1] in VOWELS:
            pts.append(i)
    return pts


def wrap_pdf(text: str, width: int = 80) -> list[str]:
    """Hard-wrap like a PDF extraction: hyphenate long words across lines."""
    lines, cur = [], ""
    tokens = re.split(r" +", text.replace("-⏎", "-⏎ ").strip())
    for tok in tokens:
        forced = False
        if tok.startswith("⏎"):
            if cur:
                lines.append(cur)
            cur, tok = "", tok[1:]
        if tok.endswith("⏎"):
            tok, forced = tok[:-1], True
        if not cur:
            cand = tok
        else:
            cand = cur + " " + tok
        if len(cand) <= width:
            cur = cand
        else:
            room = width - len(cur) - 1
            core = re.match(r"^[A-Za-zÄÖÜäöüß]+", tok)
            placed = False
            if "-" in tok[1:-1] and tok.index("-", 1) + 1 <= room:
                k = tok.index("-", 1) + 1  # real compound hyphen at line end
                cur = cur + " " + tok[:k]
                lines.append(cur)
                cur, placed = tok[k:], True
            elif core and len(core.group(0)) >= 7 and room >= 4:
                for p in reversed(hyphen_points(core.group(0))):
                    if p + 1 <= room:
                        lines.append(cur + " " + tok[:p] + "-")
                        cur, placed = tok[p:], True
                        break
            if not placed:
                lines.append(cur)
                cur = tok
        if forced:
            lines.append(cur)
            cur = ""
    if cur:
        lines.append(cur)
    return lines


HEADER_1 = "ISV-Dialogreihe \u201eQuerschnittsaufgaben in der Stadtverwaltung\u201c"


def render_txt(blocks) -> str:
    out = [HEADER_1, ""]
    pages = 1 + sum(1 for b in blocks if b[0] == "page")
    page = 1
    for b in blocks:
        if b[0] == "page":
            out += [f"Seite {page} von {pages}", "", HEADER_1, ""]
            page += 1
        elif b[0] == "h":
            out += [b[1], ""]
        elif b[0] == "pre":
            out += [b[1], ""]
        else:
            out += wrap_pdf(b[1]) + [""]
    out += [f"Seite {page} von {pages}", ""]
    return "\n".join(out)


def render_md(blocks) -> str:
    out = []
    for b in blocks:
        if b[0] == "page":
            continue
        out += [b[1].replace("⏎", ""), ""]
    return "\n".join(out)



DOCX_DATE = (2025, 4, 9, 18, 30, 0)


def render_docx(blocks, path: Path) -> None:
    """Write protocol 3 with python-docx (Title, Heading 1/2, List Bullet, one table).

    The file is made byte-reproducible: fixed core properties and zip timestamps.
    """
    import datetime as dt
    import zipfile

    import docx

    doc = docx.Document()
    for b in blocks:
        kind = b[0]
        if kind == "title":
            doc.add_paragraph(b[1], style="Title")
        elif kind == "h1":
            doc.add_heading(b[1], level=1)
        elif kind == "h2":
            doc.add_heading(b[1], level=2)
        elif kind == "p":
            doc.add_paragraph(b[1])
        elif kind == "list":
            for item in b[1]:
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "table":
            rows = b[1]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for k, text in enumerate(cells):
                    table.cell(r, k).text = text
                    if r == 0:
                        for run in table.cell(r, k).paragraphs[0].runs:
                            run.bold = True
        else:
            raise ValueError(kind)
    when = dt.datetime(*DOCX_DATE)
    props = doc.core_properties
    props.author = props.last_modified_by = "Lena Vogt (ISV)"
    props.title = blocks[0][1]
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=DOCX_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())


def docx_units(blocks) -> tuple[int, list[tuple[int, list[str]]]]:
    """Passage count and coded passages of a PROTOKOLL_3-style block list."""
    units, n = [], 0
    for b in blocks:
        if b[0] in ("p", "list"):
            n += 1
            if b[2]:
                units.append((n, b[2]))
        elif b[0] == "table":
            for codes in b[2]:
                n += 1
                if codes:
                    units.append((n, codes))
    return n, units


# ---- passage counting (the rule documented in corpora/README.md) ----------
TXT_HEADING = re.compile(r"^\d+(\.\d+)*\.?\s+\S")
TXT_FURNITURE = re.compile(r"^(Seite \d+ von \d+|ISV-Dialogreihe .*)$")


def passages(path: Path) -> list[str]:
    """Return the passages (non-heading paragraphs) of a protocol file in order."""
    text = path.read_text(encoding="utf-8")
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]
    out = []
    for b in blocks:
        lines = b.split("\n")
        if path.suffix == ".md":
            if len(lines) == 1 and lines[0].startswith("#"):
                continue
        else:
            if len(lines) == 1 and (TXT_HEADING.match(lines[0]) or TXT_FURNITURE.match(lines[0])):
                continue
        out.append(b)
    return out


def protocol_units(blocks) -> list[tuple[int, list[str]]]:
    units, n = [], 0
    for b in blocks:
        if b[0] in ("pre", "p"):
            n += 1
            if b[2]:
                units.append((n, b[2]))
    return units


def main() -> None:
    rng = random.Random(SEED)
    rows, gold = make_survey(rng)
    write_survey(rows)

    p1 = HERE / "protokoll_dialogtreffen_1.txt"
    p2 = HERE / "protokoll_dialogtreffen_2.md"
    p3 = HERE / "protokoll_dialogtreffen_3.docx"
    p1.write_text(render_txt(PROTOKOLL_1), encoding="utf-8", newline="\n")
    p2.write_text(render_md(PROTOKOLL_2), encoding="utf-8", newline="\n")
    render_docx(PROTOKOLL_3, p3)

    rng_b = random.Random(SEED + 1)
    out = [["segment_id", "source_id", "question", "passage", "coder", "codes"]]
    for (lfd, q) in sorted(gold, key=lambda k: (k[0], QUESTIONS.index(k[1]))):
        codes = gold[(lfd, q)]
        out.append([f"{lfd}#{q}", str(lfd), q, "", "anna", ";".join(codes)])
        out.append([f"{lfd}#{q}", str(lfd), q, "", "ben", ";".join(second_coder(codes, rng_b))])
    units_by_file = []
    for path, blocks in ((p1, PROTOKOLL_1), (p2, PROTOKOLL_2)):
        n_pass = len(passages(path))
        n_src = sum(1 for b in blocks if b[0] in ("pre", "p"))
        assert n_pass == n_src, (path.name, n_pass, n_src)
        units_by_file.append((path, protocol_units(blocks)))
    units_by_file.append((p3, docx_units(PROTOKOLL_3)[1]))
    for path, units in units_by_file:
        for idx, codes in units:
            out.append([f"{path.stem}#{idx}", path.stem, "dialogprotokoll", str(idx), "anna", ";".join(codes)])
            out.append([f"{path.stem}#{idx}", path.stem, "dialogprotokoll", str(idx), "ben", ";".join(second_coder(codes, rng_b))])
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(out)
    (HERE / "codings_demo.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")

if __name__ == "__main__":
    main()
