"""Hand-written economic-development lexicon: synonym groups and a light stemmer."""

from __future__ import annotations

# Each group names one idea that companies and city offices phrase differently.
# Written from general domain knowledge; phrases are matched after stemming.
SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    "soft_landing": ("soft landing", "landing pad", "landing package", "market entry",
                     "first us office", "us expansion", "us subsidiary", "first us operations",
                     "incubator space", "expansion office", "entry into the us"),
    "career_ladder": ("career ladder", "promotion pathway", "career pathway", "career progression",
                      "advancement", "upward mobility", "internal promotion",
                      "supervisor training"),
    "apprenticeship": ("apprenticeship", "apprentice", "earn while you learn",
                       "on the job training",
                       "paid training", "work based learning", "registered apprenticeship",
                       "pre apprenticeship", "cohort", "trainee"),
    "reskilling": ("workforce development", "job training", "skills training", "reskilling",
                   "retraining", "upskilling", "technician course", "bootcamp", "curriculum",
                   "community college", "credential", "certification program"),
    "adaptive_reuse": ("office to residential", "adaptive reuse", "office conversion",
                       "residential conversion", "vacant office", "conversion", "repurpose",
                       "empty office", "commercial tower"),
    "offsite_construction": ("modular construction", "prefabricated", "factory built", "prefab",
                             "mass timber", "cross laminated timber", "volumetric", "panelized"),
    "affordable_housing": ("affordable housing", "affordable apartment", "housing supply",
                           "multifamily", "rental housing", "housing units", "low income housing"),
    "extreme_heat": ("extreme heat", "urban heat", "heat island", "cooling", "shade", "heat wave",
                     "heat resilience", "cool roof", "cool pavement", "tree canopy",
                     "surface temperature"),
    "flooding": ("flood", "stormwater", "green infrastructure", "rain garden", "sea level rise",
                 "storm surge", "flood resilience", "permeable pavement", "bioswale"),
    "water_efficiency": ("water conservation", "water savings", "water efficiency",
                         "leak detection",
                         "smart irrigation", "water metering", "drought", "water use",
                         "turf replacement", "water budget"),
    "water_treatment": ("wastewater", "water treatment", "desalination", "water quality",
                        "membrane", "drinking water", "water technology", "water utility",
                        "pfas", "filtration"),
    "freight": ("freight", "drayage", "logistics", "cargo", "shipping", "trucking", "intermodal",
                "warehouse", "distribution center", "inland port", "supply chain", "container"),
    "zero_emission_vehicle": ("zero emission truck", "electric truck", "battery electric",
                              "hydrogen truck", "fuel cell truck", "zero emission",
                              "electric vehicle", "charging depot", "ev charging", "charging"),
    "autonomy": ("autonomous vehicle", "self driving", "driverless", "robotaxi",
                 "autonomous shuttle", "automated vehicle", "autonomous"),
    "microtransit": ("on demand transit", "microtransit", "ride pooling", "demand responsive",
                     "first mile", "last mile", "transit desert", "paratransit", "shuttle service"),
    "electrification": ("heat pump", "building electrification", "electrification",
                        "battery storage", "home battery", "energy storage", "induction",
                        "weatherization", "energy efficiency", "retrofit"),
    "solar": ("solar", "photovoltaic", "rooftop solar", "community solar", "solar panel"),
    "circularity": ("reuse", "repair", "refurbish", "deconstruction", "salvage", "recycling",
                    "circular economy", "secondhand", "upcycling", "remanufacturing",
                    "waste reduction", "landfill diversion", "reclaimed material"),
    "food_processing": ("food processing", "food manufacturing", "co packing", "aggregation",
                        "food hub", "cold storage", "commissary kitchen", "value added food",
                        "food production", "meat processing", "produce"),
    "agtech": ("agtech", "agricultural technology", "precision agriculture", "crop science",
               "plant science", "seed", "vertical farming", "controlled environment agriculture",
               "biological crop", "soil health", "crop yield", "farmer"),
    "biomanufacturing": ("biomanufacturing", "biologics", "cell therapy", "gene therapy",
                         "biopharma", "pharmaceutical", "vaccine", "cgmp", "bioprocessing",
                         "viral vector", "drug substance", "aseptic", "cleanroom"),
    "remote_care": ("remote patient monitoring", "remote monitoring", "telehealth",
                    "hospital at home", "virtual care", "telemedicine", "wearable",
                    "home care", "care at home", "aging in place"),
    "medical_devices": ("medical device", "cardiac", "diabetes", "glucose monitor", "implantable",
                        "insulin", "heart rhythm", "connected device", "clinical trial"),
    "ai": ("artificial intelligence", "machine learning", "large language model",
           "computer vision", "predictive analytics", "ai model", "neural network",
           "natural language processing"),
    "responsible_ai": ("trustworthy ai", "responsible ai", "ai governance", "algorithmic audit",
                       "explainable", "bias testing", "model audit", "transparency", "audit trail"),
    "geospatial": ("geospatial", "gis", "satellite imagery", "remote sensing", "earth observation",
                   "lidar", "mapping", "spatial data", "imagery analysis"),
    "govtech": ("permitting", "permit review", "service request", "constituent service",
                "case management", "govtech", "city agencies", "public sector software", "311"),
    "semiconductors": ("semiconductor", "chip", "wafer", "fab", "microelectronics",
                       "chipmaking", "photomask", "specialty gas", "substrate", "packaging"),
    "factory_automation": ("automation", "robotics", "cobot", "collaborative robot",
                           "additive manufacturing", "3d printing", "industry 4 0",
                           "smart factory", "cnc", "machining", "machine tool", "metal printing"),
    "small_business_credit": ("small business lending", "microloan", "fair credit",
                              "credit access", "underbanked", "unbanked", "cdfi",
                              "alternative credit data", "working capital",
                              "cash flow underwriting",
                              "invoice financing", "merchant"),
    "payments": ("payment", "instant payout", "digital wallet", "point of sale", "transaction fee",
                 "remittance"),
    "music_rights": ("royalty", "songwriter", "music rights", "music publishing", "payout",
                     "royalty collection", "metadata", "independent artist"),
    "digital_inclusion": ("broadband", "home internet", "digital divide", "device distribution",
                          "digital literacy", "affordable connectivity", "refurbished laptop",
                          "wifi", "internet access", "connectivity", "digital navigator"),
    "fan_experience": ("stadium", "arena", "fan engagement", "fan experience", "ticketing",
                       "venue technology", "fan zone", "watch party", "crowd flow", "spectator",
                       "live event", "mega event"),
    "tourism": ("tourism", "visitor", "hospitality", "hotel", "travel", "destination marketing",
                "tourist", "guest experience", "lodging"),
    "winter_sports": ("ski", "snowboard", "winter sport", "alpine", "mountain resort", "snowmaking",
                      "cross country skiing", "ski lift", "winter games"),
    "public_art": ("mural", "public art", "artist residency", "gallery", "exhibition", "arts",
                   "artist", "muralist", "street art", "cultural institution"),
    "screen_production": ("virtual production", "film", "led volume", "visual effects", "vfx",
                          "post production", "soundstage", "film studio", "animation",
                          "television"),
    "cultural_exchange": ("sister city", "cultural exchange", "exchange program", "twinning",
                          "people to people", "cultural diplomacy"),
    "fdi": ("foreign direct investment", "fdi", "site selection", "greenfield", "anchor investment",
            "new facility", "headquarters", "plant expansion", "capital investment"),
    "trade_mission": ("trade mission", "delegation", "export", "buyer meeting", "matchmaking",
                      "trade show", "business delegation", "trade fair"),
    "procurement": ("procurement", "bulk purchase", "group purchasing", "purchase order", "tender",
                    "request for proposal", "rfp", "volume purchase", "buying program"),
    "pilot": ("pilot", "demonstration", "testbed", "proof of concept", "trial", "field test",
              "demo", "pilot deployment"),
    "research": ("research collaboration", "joint research", "r d", "research partner",
                 "university partnership", "research lab", "research institute", "co development"),
    "philanthropy": ("donation", "grant", "philanthropy", "foundation", "in kind", "donate",
                     "charitable"),
    "sponsorship": ("sponsorship", "sponsor", "naming rights", "underwriting",
                    "presenting partner"),
    "health_workforce": ("allied health", "nursing", "medical assistant", "patient care technician",
                         "pharmacy technician", "health care worker", "clinical staff"),
    "building_trades": ("building trades", "electrician", "plumber", "carpentry", "hvac technician",
                        "construction trades", "pipefitter", "welder"),
    "hospitality_workforce": ("hospitality worker", "hotel staff", "restaurant worker",
                              "front desk", "housekeeping", "culinary", "food service",
                              "line cook", "server"),
    "cybersecurity": ("cybersecurity", "penetration testing", "ransomware", "threat detection",
                      "security operations", "red team", "vulnerability"),
}

# (suffix, replacement, shortest stem kept) — short stems would merge unrelated words.
_SUFFIXES = (("ies", "y", 3), ("sses", "ss", 2), ("ing", "", 4), ("ed", "", 4), ("s", "", 3))


def stem(word: str) -> str:
    """Return a crude stem: strips plural and verb endings so word forms share a feature."""
    w = word.lower()
    if len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w
    for suffix, repl, keep in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            return w[: len(w) - len(suffix)] + repl
    return w


def stem_ngram(ngram: str) -> str:
    """Stem every token of a space-separated n-gram."""
    return " ".join(stem(t) for t in ngram.split())


def phrase_variants(tokens: list[str]) -> set[str]:
    """Return surface variants (singular/plural) of a 1-2 token phrase for the vocabulary."""
    options = []
    for t in tokens:
        opts = {t, t + "s"}
        if t.endswith("s"):
            opts.add(t[:-1])
        if t.endswith("y"):
            opts.add(t[:-1] + "ies")
        options.append(opts)
    if len(options) == 1:
        return set(options[0])
    return {f"{a} {b}" for a in options[0] for b in options[1]}


def concept_ngrams(analyze_tokens) -> dict[str, list[tuple[str, float]]]:
    """Map each concept to (stemmed n-gram, weight) pairs using the vectorizer's tokenizer."""
    out: dict[str, list[tuple[str, float]]] = {}
    for concept, phrases in SYNONYM_GROUPS.items():
        grams: list[tuple[str, float]] = []
        for phrase in phrases:
            toks = analyze_tokens(phrase)
            if not toks:
                continue
            if len(toks) <= 2:
                grams.append((" ".join(toks), 1.0))
            else:
                # Longer phrases are caught through their consecutive bigrams.
                pairs = [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]
                grams.extend((p, 1.0 / len(pairs)) for p in pairs)
        out[concept] = grams
    return out
