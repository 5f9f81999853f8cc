"""The industry fit with the learned model: normalisation, languages, evidence, calibration.

The pages below are written by the team (short company pages of our own, in each
language the scorer covers); the figures on real pages come from the corpus's held-out
part (bench/fit_accuracy.py).
"""

import pytest

from verification import corpus, fitmodel, fittrain, textnorm
from verification.fit import KeywordEntry, Matcher
from verification.fitscore import assess
from verification.lists import default_matcher


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


@pytest.fixture(scope="module")
def model():
    shipped = fitmodel.shipped_model()
    assert shipped is not None, "verification/data/fit_model.npz is missing: manage.py fit_train"
    return shipped


def score(matcher, model, text, title="", language=""):
    return assess(matcher, model, {"title": title, "text": text}, language=language)


# --- Normalisation -------------------------------------------------------------------


def test_traditional_chinese_reads_as_simplified():
    assert textnorm.normalize("淨化汙水處理工程") == "净化污水处理工程"
    assert textnorm.normalize("淨化汙水處理工程") == textnorm.normalize("净化污水处理工程")


def test_compatibility_forms_case_and_accents_are_one_form():
    assert textnorm.normalize("ＵＶ－Ｃ Ｌａｍｐ") == textnorm.normalize("uv-c lamp")
    assert textnorm.normalize("DESINFECCIÓN") == "desinfeccion"
    assert textnorm.normalize("ﬁlter") == "filter"


@pytest.mark.parametrize(("language", "forms"), [
    ("es", ["desinfecciones", "desinfección"]),
    ("en", ["sterilizers", "sterilizer"]),
    ("de", ["Kläranlagen", "Kläranlage"]),
    ("pt", ["purificações", "purificação"]),
    ("ru", ["очистки", "очистка"]),
    ("tr", ["arıtmaları", "arıtma"]),
])
def test_inflected_forms_share_a_stem(language, forms):
    stems = {textnorm.stem(textnorm.lowered(form), language) for form in forms}
    assert len(stems) == 1, stems


def test_chinese_is_read_in_character_pairs_and_the_model_sees_both_scripts_alike(model):
    simplified = fitmodel.document([("城市河道净化工程", 1.0)], "zh-Hans")
    traditional = fitmodel.document([("城市河道淨化工程", 1.0)], "zh-Hant")
    assert simplified.counts == traditional.counts
    assert model.target_logit(simplified) == model.target_logit(traditional)


# --- Every covered language ----------------------------------------------------------

# (language, a target's page, a non-target's page) - written by the team.
PAGES = [
    ("en", "We design and install UV disinfection systems for municipal drinking water and "
           "wastewater treatment plants.",
           "Handmade oak furniture: dining tables, chairs and wardrobes from our workshop."),
    ("zh-Hans", "本公司专业从事污水处理工程、河道治理和水体净化，提供紫外线消毒设备。",
                "本公司专业生产实木家具，产品包括餐桌、椅子和衣柜，欢迎订购。"),
    ("zh-Hant", "本公司專業承攬汙水處理工程、河川淨化與人工濕地，並提供紫外線殺菌設備。",
                "本公司提供室內設計與住宅裝修服務，打造溫馨舒適的居家空間。"),
    ("es", "Somos una empresa de acuicultura y tratamiento de aguas: sistemas de "
           "recirculación y desinfección del agua para granjas de peces.",
           "Tienda de moda femenina: vestidos, blusas y zapatos con envío a toda España."),
    ("pt", "Empresa de tratamento de água e efluentes: estações de tratamento, filtros e "
           "desinfecção por ultravioleta.",
           "Imobiliária com apartamentos e casas à venda e para alugar no centro da cidade."),
    ("fr", "Bureau d'études en traitement des eaux usées : stations d'épuration, "
           "désinfection UV et réutilisation de l'eau.",
           "Restaurant traditionnel : menu du jour, cuisine maison et réservation en ligne."),
    ("de", "Wir planen und bauen Anlagen zur Abwasserbehandlung und Trinkwasseraufbereitung "
           "mit UV-Desinfektion für Kommunen.",
           "Autohaus mit Werkstatt: Ersatzteile, Reifenwechsel und Inspektion für alle Marken."),
    ("ru", "Компания занимается очисткой сточных вод, водоподготовкой и обеззараживанием "
           "воды ультрафиолетом.",
           "Интернет-магазин одежды: платья, куртки и обувь с доставкой по всей России."),
    ("ar", "شركة متخصصة في معالجة المياه ومحطات معالجة مياه الصرف الصحي وأنظمة التعقيم "
           "بالأشعة فوق البنفسجية.",
           "مطعم يقدم المأكولات الشرقية والمشويات مع خدمة التوصيل إلى المنازل."),
    ("tr", "Firmamız atık su arıtma tesisleri, içme suyu arıtma sistemleri ve UV "
           "dezenfeksiyon çözümleri sunar.",
           "Mobilya mağazamızda yemek masası, sandalye ve gardırop modelleri bulunur."),
    ("id", "Perusahaan kami bergerak di bidang pengolahan air limbah, instalasi pengolahan "
           "air bersih dan sterilisasi UV.",
           "Toko baju online dengan koleksi gamis, kemeja dan celana terbaru."),
    ("vi", "Công ty chuyên xử lý nước thải, xử lý nước cấp và cung cấp thiết bị khử trùng "
           "bằng tia UV.",
           "Cửa hàng thời trang nữ: váy, áo sơ mi và giày dép, giao hàng toàn quốc."),
]


@pytest.mark.parametrize(("language", "target", "other"), PAGES, ids=[p[0] for p in PAGES])
def test_every_covered_language_tells_a_target_from_another_business(
        matcher, model, language, target, other):
    found = score(matcher, model, target)
    plain = score(matcher, model, other)
    assert textnorm.base_language(found.language) == textnorm.base_language(language)
    assert found.source == "model" and found.covered
    assert found.fit >= 50, (found.fit, found.parts)
    assert plain.fit < 50, (plain.fit, plain.parts)


def test_a_page_in_a_language_the_scorer_does_not_read_says_so(matcher, model):
    polish = score(matcher, model, "Jesteśmy producentem mebli biurowych: biurka, krzesła i "
                                   "szafy dla firm w całej Polsce, z dostawą do biura.")
    assert polish.language == "pl" and not polish.covered
    assert polish.fit is None  # not 0: nothing was read, nothing was judged


def test_the_buyers_own_words_without_a_page_count_by_the_keywords_alone(matcher, model):
    result = assess(matcher, model, {"company": "Aqua Clean Water Treatment Ltd",
                                     "message": "Please quote UV lamps for our water "
                                                "treatment plant."})
    assert result.source == "keywords" and result.fit == result.keyword_fit


# --- Evidence ------------------------------------------------------------------------


def test_the_evidence_names_words_sentences_industries_and_weights(matcher, model):
    text = ("Acuicultura del Sur. Diseñamos granjas de acuicultura con recirculación.\n"
            "La desinfección del agua protege a los peces de virus y bacterias.")
    result = score(matcher, model, text, title="Acuicultura del Sur")
    terms = {item["term"].lower(): item for item in result.evidence}
    assert "acuicultura" in terms
    item = terms["acuicultura"]
    assert item["share"] > 0 and item["industry"] in ("aquaculture", "water_treatment")
    assert "[[Acuicultura]]" in item["snippet"] or "[[acuicultura]]" in item["snippet"]
    assert result.parts.keys() == {"model", "keywords", "base"}
    # factor by factor: the calibrated logit is the sum of its parts
    p = 1 / (1 + pow(2.718281828459045, -sum(result.parts.values())))
    assert abs(round(100 * p) - result.fit) <= 1


def test_an_admin_keyword_raises_the_fit_at_once(model):
    page = ("Family business since 1998. We supply koi breeders and garden centres with "
            "fish food, nets and pond liners.")
    before = assess(Matcher([]), model, {"text": page}).fit
    after = assess(Matcher([KeywordEntry("koi breeders", 3, "aquarium_pond", "en"),
                            KeywordEntry("pond liners", 3, "aquarium_pond", "en")]),
                   model, {"text": page})
    assert after.fit > before
    assert {m["term"] for m in after.matches} == {"koi breeders", "pond liners"}


# --- Calibration ---------------------------------------------------------------------


def test_the_held_out_bands_match_the_share_of_targets(matcher, model):
    held = [fittrain.sample_of(p) for p in corpus.held_out(corpus.load())]
    figures = fittrain.evaluate(model, held, matcher)
    bands = {low: (n, targets) for low, _high, n, targets, _mean in figures.buckets}
    low_n, low_targets = bands[0]
    high_n, high_targets = bands[80]
    assert low_targets / low_n <= 0.1  # a fit under 20: rarely a target
    assert high_targets / high_n >= 0.85  # a fit of 80 or more: nearly always one
    assert figures.recall >= 0.9 and figures.precision >= 0.85


def test_the_shipped_model_never_learned_from_the_held_out_part(model):
    pages = corpus.load()
    assert model.info["pages"] == len(corpus.development(pages))
    assert all(corpus.part_of(p.url) == "held_out" for p in corpus.held_out(pages))


def test_headings_are_read_from_the_page_and_count_double(matcher, model):
    from verification.probes.website import parse_page

    page = parse_page("<html><body><nav>Home</nav><h1>Kläranlagen und Abwasser</h1>"
                      "<p>Wir sind ein Familienbetrieb.</p><h2>Kläranlagen und Abwasser</h2>"
                      "<h3>UV-Desinfektion</h3><footer>Impressum</footer></body></html>")
    assert page.headings == "Kläranlagen und Abwasser\nUV-Desinfektion"
    body_only = fitmodel.document([("", 2.0), (page.headings, 1.0)], "de")
    as_heading = fitmodel.document([(page.headings, 2.0)], "de")
    assert model.target_logit(as_heading) == pytest.approx(model.target_logit(body_only),
                                                           abs=1e-5)  # scaled to length 1
    mixed_body = fitmodel.document([("", 2.0), (page.headings + "\nImpressum Kontakt", 1.0)],
                                   "de")
    mixed_head = fitmodel.document([(page.headings, 2.0), ("Impressum Kontakt", 1.0)], "de")
    assert model.target_logit(mixed_head) > model.target_logit(mixed_body)
