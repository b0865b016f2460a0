"""Le contenu structuré d'une fiche (blocs JSON, voir guichet.connaissances.lecture) en HTML du DSFR.

Tout texte est échappé ; seuls les liens vers des sources autorisées ont été gardés à l'import. Les
situations deviennent des onglets, les cas des accordéons, les encadrés des mises en avant.
"""

from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from guichet import liens
from guichet.connaissances.lecture import URL_SERVICE_PUBLIC
from guichet.connaissances.passages import unites

TITRES_ENCADRES = {"attention": "Attention", "a_savoir": "À savoir", "a_noter": "À noter", "rappel": "Rappel"}


def _joindre(morceaux) -> str:
    return mark_safe("".join(str(m) for m in morceaux))


class Rendu:
    def __init__(self, existants: set, audience: str = "particuliers", prefixe: str = "f", ouverts=()):
        self.existants = existants
        self.audience = audience
        self.prefixe = prefixe
        self.compteur = 0
        # Les ancres des passages (guichet.connaissances.passages) : l'unité en cours (onglet, section) numérote
        # ses accordéons ; ceux de `ouverts` sont dépliés et l'onglet de `ouverts` est choisi.
        self.ouverts = set(ouverts)
        self.unite = None
        self.cas_de_l_unite = 0
        # Le niveau du dernier titre écrit (le h1 de la page) : un titre ne descend jamais de plus d'un niveau
        # sous le précédent (ordre des titres, RGAA 9.1), quel que soit le niveau déclaré dans la fiche source.
        self.dernier_titre = 1

    def ident(self, nature: str) -> str:
        self.compteur += 1
        return f"{self.prefixe}-{nature}-{self.compteur}"

    def url_fiche(self, identifiant: str) -> str:
        if identifiant in self.existants:
            return reverse("connaissances:fiche", args=[identifiant])
        return URL_SERVICE_PUBLIC.format(audience=self.audience, identifiant=identifiant)

    # En ligne

    def segments(self, segments) -> str:
        morceaux = []
        for s in segments:
            texte = s.get("t", "")
            if s.get("fiche"):
                morceaux.append(format_html('<a href="{}">{}</a>', self.url_fiche(s["fiche"]), texte))
            elif s.get("url"):
                morceaux.append(lien_externe(s["url"], texte))
            elif s.get("fort"):
                morceaux.append(format_html("<strong>{}</strong>", texte))
            elif s.get("sup"):
                morceaux.append(format_html("<sup>{}</sup>", texte))
            elif s.get("sub"):
                morceaux.append(format_html("<sub>{}</sub>", texte))
            else:
                morceaux.append(conditional_escape(texte))
        return _joindre(morceaux)

    # Blocs

    def blocs(self, blocs, niveau: int = 2) -> str:
        return _joindre(self.bloc(b, niveau) for b in blocs or [])

    def bloc(self, b, niveau: int) -> str:
        nature = b.get("type")
        if nature == "paragraphe":
            return format_html("<p>{}</p>", self.segments(b.get("segments", [])))
        if nature == "liste":
            balise = "ol" if b.get("ordonnee") else "ul"
            items = _joindre(format_html("<li>{}</li>", self.blocs_compacts(i, niveau)) for i in b.get("items", []))
            return format_html("<{}>{}</{}>", balise, items, balise)
        if nature == "chapitre":
            h = self.titre(niveau + (b.get("niveau", 1) - 1))
            return format_html(
                '<section class="fr-mb-3w"><h{} class="fr-h{}">{}</h{}>{}</section>',
                h,
                min(h + 1, 6),
                b.get("titre", ""),
                h,
                self.blocs(b.get("blocs"), h + 1),
            )
        if nature == "cas":
            return self.accordeons(b.get("cas", []), niveau)
        if nature == "encadre":
            titre = b.get("titre") or TITRES_ENCADRES.get(b.get("nature"), "")
            classe = "fr-callout fr-callout--orange-terre-battue" if b.get("nature") == "attention" else "fr-callout"
            return format_html(
                '<div class="{} fr-mb-3w"><p class="fr-callout__title">{}</p><div class="fr-callout__text">{}</div>'
                "</div>",
                classe,
                titre,
                self.blocs(b.get("blocs"), niveau),
            )
        if nature == "tableau":
            return self.tableau(b, niveau)
        if nature == "service":
            return bouton_ressource(b, self.url_fiche)
        if nature == "adresse":
            if b.get("url"):
                return format_html("<p>Où s'adresser : {}</p>", lien_externe(b["url"], b.get("titre", "")))
            return format_html("<p>Où s'adresser : {}</p>", b.get("titre", ""))
        return ""

    def blocs_compacts(self, blocs, niveau) -> str:
        """Un élément de liste : un paragraphe seul s'écrit sans <p>."""
        if len(blocs) == 1 and blocs[0].get("type") == "paragraphe":
            return self.segments(blocs[0].get("segments", []))
        return self.blocs(blocs, niveau)

    def titre(self, niveau: int) -> int:
        """Le niveau du prochain titre, dans l'ordre du document : au plus un de plus que le précédent."""
        self.dernier_titre = min(niveau, self.dernier_titre + 1, 6)
        return self.dernier_titre

    def accordeons(self, cas, niveau: int) -> str:
        sections = []
        for c in cas:
            h = self.titre(niveau)
            if self.unite:
                self.cas_de_l_unite += 1
                ident = f"{self.unite}-cas-{self.cas_de_l_unite}"
            else:
                ident = self.ident("cas")
            ouvert = ident in self.ouverts
            sections.append(
                format_html(
                    '<section class="fr-accordion"><h{} class="fr-accordion__title">'
                    '<button type="button" class="fr-accordion__btn" aria-expanded="{}" aria-controls="{}">'
                    "{}</button>"
                    '</h{}><div class="fr-collapse{}" id="{}">{}</div></section>',
                    h,
                    "true" if ouvert else "false",
                    ident,
                    c.get("titre") or "Cas",
                    h,
                    " fr-collapse--expanded" if ouvert else "",
                    ident,
                    self.blocs(c.get("blocs"), h + 1),
                )
            )
        return format_html('<div class="fr-accordions-group fr-mb-3w">{}</div>', _joindre(sections))

    def tableau(self, b, niveau) -> str:
        lignes = []
        entete = []
        for r in b.get("rangees", []):
            cellules = r.get("cellules", [])
            if r.get("entete") and not lignes:
                entete.append(
                    _joindre(format_html('<th scope="col">{}</th>', self.blocs_compacts(c, niveau)) for c in cellules)
                )
                continue
            lignes.append(_joindre(format_html("<td>{}</td>", self.blocs_compacts(c, niveau)) for c in cellules))
        return format_html(
            '<div class="fr-table fr-mb-3w"><table>{}{}<tbody>{}</tbody></table></div>',
            format_html("<caption>{}</caption>", b["titre"]) if b.get("titre") else "",
            format_html("<thead><tr>{}</tr></thead>", entete[0]) if entete else "",
            _joindre(format_html("<tr>{}</tr>", ligne) for ligne in lignes),
        )

    def situations(self, situations, affichage="onglet") -> str:
        """Les situations en onglets DSFR (le premier ouvert)."""
        if not situations:
            return ""
        onglets, panneaux = [], []
        choix = next((i for i in range(len(situations)) if f"situation-{i + 1}" in self.ouverts), 0)
        for i, s in enumerate(situations):
            ident = f"situation-{i + 1}"
            choisi = i == choix
            self.unite, self.cas_de_l_unite = ident, 0
            onglets.append(
                format_html(
                    '<li role="presentation"><button type="button" id="{}-onglet" class="fr-tabs__tab" '
                    'tabindex="{}" role="tab" aria-selected="{}" aria-controls="{}">{}</button></li>',
                    ident,
                    "0" if choisi else "-1",
                    "true" if choisi else "false",
                    ident,
                    s.get("titre") or f"Situation {i + 1}",
                )
            )
            panneaux.append(
                format_html(
                    '<div id="{}" class="fr-tabs__panel{}" role="tabpanel" aria-labelledby="{}-onglet" tabindex="0">'
                    "{}</div>",
                    ident,
                    " fr-tabs__panel--selected" if choisi else "",
                    ident,
                    self.blocs(s.get("blocs"), 3),
                )
            )
        self.unite = None
        return format_html(
            '<div class="fr-tabs fr-mb-4w"><ul class="fr-tabs__list" role="tablist" aria-label="Votre situation">'
            "{}</ul>{}</div>",
            _joindre(onglets),
            _joindre(panneaux),
        )

    def sections(self, blocs) -> str:
        """Les sections, unité par unité (guichet.connaissances.passages.unites), chacune sous son ancre."""
        morceaux = []
        for ancre, blocs_unite in unites(blocs):
            self.unite, self.cas_de_l_unite = ancre, 0
            classe = "connaissances-passage connaissances-passage--ouvert" if ancre in self.ouverts else ""
            morceaux.append(
                format_html(
                    '<div id="{}" class="{}">{}</div>',
                    ancre,
                    classe or "connaissances-passage",
                    self.blocs(blocs_unite, 2),
                )
            )
        self.unite = None
        return _joindre(morceaux)


def lien_externe(url: str, texte: str) -> str:
    """Un lien vers l'extérieur ; le texte seul si l'adresse n'est pas une adresse web (https)."""
    url = liens.url_externe(url)
    if not url:
        return format_html("{}", texte)
    return format_html(
        '<a href="{}" target="_blank" rel="noopener" title="{} - nouvelle fenêtre">{}</a>', url, texte, texte
    )


def libelle_ressource(r: dict) -> str:
    titre = r.get("titre") or r.get("nature") or "Service en ligne"
    if r.get("cerfa"):
        return f"{titre} (cerfa n° {r['cerfa']})"
    return titre


def bouton_ressource(r: dict, url_fiche=None) -> str:
    """Un bouton vers un formulaire (cerfa) ou un service en ligne ; vers sa fiche R s'il n'a pas d'adresse."""
    libelle = libelle_ressource(r)
    formulaire = bool(r.get("cerfa")) or r.get("nature") == "Formulaire"
    icone = "fr-icon-file-download-line" if formulaire else "fr-icon-external-link-line"
    if liens.url_externe(r.get("url")):
        return format_html(
            '<p><a class="fr-btn fr-btn--secondary fr-btn--sm fr-btn--icon-left {}" href="{}" target="_blank" '
            'rel="noopener" title="{} - nouvelle fenêtre">{}</a></p>',
            icone,
            liens.url_externe(r["url"]),
            libelle,
            libelle,
        )
    if url_fiche and r.get("identifiant"):
        return format_html(
            '<p><a class="fr-btn fr-btn--secondary fr-btn--sm" href="{}">{}</a></p>',
            url_fiche(r["identifiant"]),
            libelle,
        )
    return format_html("<p>{}</p>", libelle)


def contenu(fiche, existants: set, ouverts=()) -> dict:
    """Les parties HTML de la page d'une fiche ; `ouverts` : les ancres du passage à montrer (onglet choisi,
    accordéons dépliés)."""
    rendu = Rendu(existants, fiche.audience, ouverts=ouverts)
    c = fiche.contenu or {}
    return {
        "avertissements": rendu.blocs(c.get("avertissements"), 2),
        "introduction": rendu.blocs(c.get("introduction"), 2),
        "situations": rendu.situations(c.get("situations"), c.get("affichage_situations", "onglet")),
        "sections": rendu.sections(c.get("sections")),
        "url_fiche": rendu.url_fiche,
    }
