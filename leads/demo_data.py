"""~300 realistic demo inquiries for ``seed_demo`` (pure, deterministic).

Invented buyers only. Rows use the generic import columns, so the demo goes
through the same import path as a real file.
"""

import random
from datetime import datetime, timedelta

import phonenumbers

from leads.countries import parse_country

# country as people write it, calling code, domain suffix, first names, last names
COUNTRIES = [
    ("USA", "+1", "com", ["Mike", "Sarah", "David", "Jennifer"], ["Johnson", "Miller", "Davis"]),
    ("United Kingdom", "+44", "co.uk", ["James", "Emma", "Oliver"], ["Smith", "Taylor", "Brown"]),
    ("Deutschland", "+49", "de", ["Jonas", "Anna", "Lukas"], ["Weber", "Schmidt", "Fischer"]),
    ("France", "+33", "fr", ["Louis", "Camille", "Hugo"], ["Martin", "Bernard", "Dubois"]),
    ("Spain", "+34", "es", ["Carlos", "Lucía", "Javier"], ["García", "López", "Martín"]),
    ("Italia", "+39", "it", ["Marco", "Giulia", "Luca"], ["Rossi", "Bianchi", "Romano"]),
    ("India", "+91", "in", ["Rahul", "Priya", "Arjun"], ["Sharma", "Patel", "Nair"]),
    ("Türkiye", "+90", "com.tr", ["Mehmet", "Ayşe", "Emre"], ["Yılmaz", "Kaya", "Demir"]),
    ("Viet Nam", "+84", "vn", ["Nguyễn Văn", "Trần Thị", "Lê Minh"], ["An", "Hoa", "Tuấn"]),
    ("Thailand", "+66", "co.th", ["Somchai", "Niran", "Malee"], ["Srisuk", "Wongsa"]),
    ("Indonesia", "+62", "co.id", ["Budi", "Siti", "Agus"], ["Santoso", "Wijaya"]),
    ("Philippines", "+63", "ph", ["Jose", "Maria", "Mark"], ["Santos", "Reyes", "Cruz"]),
    ("Malaysia", "+60", "com.my", ["Ahmad", "Wei Ling", "Ravi"], ["Ismail", "Tan", "Kumar"]),
    ("Brasil", "+55", "com.br", ["João", "Ana", "Pedro"], ["Silva", "Souza", "Oliveira"]),
    ("Mexico", "+52", "mx", ["Carlos", "Sofía", "Diego"], ["Hernández", "Méndez", "Ruiz"]),
    ("Chile", "+56", "cl", ["Matías", "Valentina"], ["González", "Muñoz"]),
    ("Peru", "+51", "pe", ["Luis", "Rosa"], ["Quispe", "Flores"]),
    ("Ecuador", "+593", "ec", ["Andrés", "Gabriela"], ["Torres", "Vera"]),
    ("Colombia", "+57", "co", ["Santiago", "Camila"], ["Rodríguez", "Gómez"]),
    ("UAE", "+971", "ae", ["Omar", "Fatima", "Khalid"], ["Al Mansoori", "Haddad"]),
    ("Saudi Arabia", "+966", "sa", ["Abdullah", "Faisal"], ["Al-Harbi", "Al-Qahtani"]),
    ("Egypt", "+20", "com.eg", ["Ahmed", "Mona"], ["Hassan", "Mahmoud"]),
    ("Nigeria", "+234", "com.ng", ["Chinedu", "Ngozi", "Tunde"], ["Okafor", "Adeyemi"]),
    ("Kenya", "+254", "co.ke", ["Amani", "Wanjiru"], ["Otieno", "Kamau"]),
    ("South Africa", "+27", "co.za", ["Thabo", "Lerato", "Pieter"], ["Nkosi", "van der Merwe"]),
    ("Russia", "+7", "ru", ["Dmitry", "Olga", "Sergey"], ["Ivanov", "Petrova", "Smirnov"]),
    ("Poland", "+48", "pl", ["Piotr", "Katarzyna"], ["Kowalski", "Nowak"]),
    ("Netherlands", "+31", "nl", ["Daan", "Sanne"], ["de Vries", "Jansen"]),
    ("Norway", "+47", "no", ["Lars", "Ingrid"], ["Hansen", "Johansen"]),
    ("Australia", "+61", "com.au", ["Jack", "Chloe", "Liam"], ["Wilson", "Thompson"]),
    ("Canada", "+1", "ca", ["Ethan", "Olivia"], ["Tremblay", "Roy"]),
    ("KR", "+82", "co.kr", ["Min-jun", "Seo-yeon"], ["Kim", "Park", "Lee"]),
    ("jp", "+81", "co.jp", ["Haruto", "Yui"], ["Sato", "Tanaka"]),
    ("Bangladesh", "+880", "com.bd", ["Rahim", "Nusrat"], ["Hossain", "Akter"]),
    ("Pakistan", "+92", "com.pk", ["Ali", "Ayesha"], ["Khan", "Malik"]),
    ("Ecuador", "+593", "ec", ["Diego"], ["Cevallos"]),
]

# industry: (company name patterns, products, application sentences, is_target)
INDUSTRIES = {
    "water treatment": (
        ["{last} Water Technologies", "{city} Water Engineering", "Aqua{brand} Solutions",
         "{brand} Wasseraufbereitung"],
        ["Amalgam UV lamp 320W 254nm", "UV sterilizer 1000W stainless steel for water",
         "UV germicidal lamp T5 75W with quartz sleeve", "Electronic ballast for 320W amalgam"],
        ["We design drinking-water plants for small towns and need UV units for disinfection.",
         "Our RO systems need a UV stage after the membranes; flow is 20 m3/h.",
         "We are a water treatment engineering company working on municipal projects."],
        True,
    ),
    "aquaculture": (
        ["{last} Aqua Farms", "{brand} Shrimp Hatchery", "{city} Fish Farming Co.",
         "{brand} Aquaculture"],
        ["UV sterilizer 120W for shrimp ponds", "Submersible UV lamp 40W for fish tanks",
         "UV sterilizer 55W for koi pond", "UV clarifier 75W for RAS"],
        ["We run RAS tanks for shrimp and lose stock to vibrio; we need UV sterilizers.",
         "Our hatchery needs UV treatment of intake sea water.",
         "We farm tilapia in recirculating systems and want to add UV."],
        True,
    ),
    "hospital": (
        ["{city} General Hospital", "{brand} Medical Supplies", "{city} Clinic Group",
         "{brand} School District Facilities"],
        ["Mobile UV disinfection cart 6x55W", "UV disinfection trolley with timer",
         "Upper-room UV germicidal fixture 30W", "UV germicidal lamp 36W with ozone"],
        ["We need mobile UV carts for operating theatres and isolation wards.",
         "Our schools want UV disinfection of classrooms after hours.",
         "Tender for 40 disinfection carts for district clinics, delivery in Q3."],
        True,
    ),
    "fertilizer": (
        ["{brand} Agro Solutions", "{last} Fertilizer Co.", "{brand} Organic Farms"],
        ["UV sterilizer 300W for irrigation water", "UV lamp 150W for nutrient solution"],
        ["We produce liquid fertilizer and need to sterilize process water.",
         "Organic greenhouse farm, we recycle irrigation water and need UV disinfection."],
        True,
    ),
    "air purification": (
        ["{brand} Kitchen Exhaust Systems", "{brand} Clean Air Engineering",
         "{last} Air Purification"],
        ["UV lamp for kitchen hood oil-fume purification", "UVC ozone lamp 150W for exhaust gas",
         "UV module for duct air purification"],
        ["We build commercial kitchen hoods and need UV lamps against grease deposits.",
         "Exhaust gas treatment project for a food factory, UV photolysis section.",
         "Cleanroom and purification engineering contractor, looking for UV modules."],
        True,
    ),
    "household": (
        ["{last} Home Store", "{brand} Living Online Shop"],
        ["UV sterilizing desk lamp", "Portable UV sterilizer lamp for home"],
        ["We sell home appliances online and want UV desk lamps under our brand.",
         "Looking for UV sterilizing lamps for our e-shop, small MOQ please."],
        True,
    ),
    "unrelated": (
        ["{last} Furniture", "{brand} Fashion Boutique", "{city} Auto Parts", "{brand} Toys"],
        ["LED strip lights", "Sofa fabric samples", "Car headlight bulbs H7", "Plastic toys"],
        ["Do you sell LED decoration lights for weddings?",
         "We need headlight bulbs for cars, do you have H4 and H7?",
         "Looking for a supplier of furniture fittings."],
        False,
    ),
}
WEIGHTS = {"water treatment": 22, "aquaculture": 20, "hospital": 15, "fertilizer": 7,
           "air purification": 10, "household": 6, "unrelated": 12}

CITIES = ["North", "Bay", "River", "Lake", "Harbor", "Capital", "East", "Coastal", "Valley"]
BRANDS = ["Pura", "Clear", "Blue", "Nova", "Terra", "Vita", "Pro", "Eco", "Crystal", "Oceano"]
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "qq.com", "163.com",
             "mail.ru", "yandex.ru"]
ROLES = ["info", "sales", "purchase", "procurement"]
CLOSINGS = [
    "Please quote FOB Shanghai with lead time.", "Price CIF please, and do you have CE and RoHS?",
    "Can you send a sample first?", "What is your MOQ and warranty?",
    "Please send catalogue and price list.", "We need delivery within 30 days.",
]
FOREIGN = {
    "Deutschland": "Bitte senden Sie uns ein Angebot mit Lieferzeit.",
    "Spain": "Por favor envíenos precio y plazo de entrega.",
    "Brasil": "Por favor, envie o preço e o prazo de entrega.",
    "France": "Merci de nous envoyer votre meilleur prix.",
    "Russia": "Пожалуйста, пришлите цену и сроки поставки.",
    "Türkiye": "Lütfen fiyat ve teslim süresi gönderin.",
    "UAE": "يرجى إرسال السعر ومدة التسليم.",
    "Viet Nam": "Vui lòng gửi báo giá và thời gian giao hàng.",
}
QUANTITIES = ["500 pieces", "2 sets", "1 container", "sample first", "50 units", "20 sets",
              "1000 pcs", "10 carts", "200 pieces"]
FAKE_MESSAGES = [
    "Dear Sir, we need your product urgently, click the link to view our order: bit.ly/ord3r",
    "Verify your Alibaba account now or it will be suspended: alibaba-secure-login.top",
    "We can bring your website to the first page of Google. Reply for SEO offer.",
    "Hello dear, kindly check attached purchase order and confirm price asap.",
]
FAKE_DOMAINS = ["mailinator.com", "guerrillamail.com", "yopmail.com", "10minutemail.com"]


def _slug(text: str) -> str:
    keep = "".join(ch.lower() if ch.isascii() and ch.isalnum() else " " for ch in text)
    return "-".join(keep.split())[:30] or "company"


def _phone(rng: random.Random, code: str, country: str, *, mobile: bool = False) -> str:
    """A valid number of the country (a landline in an area of the country, or a mobile),
    drawn from the same three draws of ``rng`` as ever, so the rest of the demo stays."""
    draws = (rng.randint(10, 99), rng.randint(1000, 9999), rng.randint(100, 999))
    own = random.Random(f"{country}:{draws}")
    region = parse_country(country) or ""
    kind = (phonenumbers.PhoneNumberType.MOBILE if mobile or not draws[0] % 3
            else phonenumbers.PhoneNumberType.FIXED_LINE)
    example = phonenumbers.example_number_for_type(region, kind) if region else None
    if example is not None:
        national = str(example.national_number)
        keep = max(1, len(national) // 3)  # the example's area: a real prefix
        for _ in range(50):
            digits = national[:keep] + "".join(str(own.randint(0, 9))
                                               for _ in range(len(national) - keep))
            number = phonenumbers.parse(f"+{example.country_code}{digits}")
            if phonenumbers.is_valid_number(number):
                return phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{code} {draws[0]} {draws[1]} {draws[2]}"


def demo_rows(*, now: datetime, seed: int = 7) -> list[dict[str, str]]:
    """Import rows; the key ``_truth`` (industry, "fake" or "pool") is not a column."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    serial = iter(range(1, 10_000))
    industries = list(WEIGHTS)
    weights = [WEIGHTS[name] for name in industries]
    while len(rows) < 272:
        country, code, tld, firsts, lasts = COUNTRIES[len(rows) % len(COUNTRIES)]
        industry = rng.choices(industries, weights)[0]
        patterns, products, applications, _target = INDUSTRIES[industry]
        last = rng.choice(lasts)
        company = rng.choice(patterns).format(last=last, city=rng.choice(CITIES),
                                              brand=rng.choice(BRANDS))
        domain = f"{_slug(company)}.{tld}"
        for visit in range(rng.choice([1, 1, 1, 1, 2, 2, 3])):
            first = rng.choice(firsts)
            person = f"{first} {rng.choice(lasts)}"
            free = rng.random() < 0.22
            if free:
                local = _slug(person).replace("-", ".")
                email = f"{local}{rng.randint(1, 99)}@{rng.choice(FREE_MAIL)}"
            elif rng.random() < 0.2:
                email = f"{rng.choice(ROLES)}@{domain}"
            else:
                email = f"{_slug(first).replace('-', '.')}@{domain}"
            message = " ".join([
                rng.choice(["Hello,", "Dear supplier,", "Hi,", "Good day,"]),
                rng.choice(applications),
                rng.choice(CLOSINGS),
                FOREIGN.get(country, "") if rng.random() < 0.5 else "",
            ]).strip()
            rows.append(_row(rng, now, next(serial), country=country, person=person,
                             company=company, email=email, phone=_phone(rng, code, country),
                             whatsapp=(_phone(rng, code, country, mobile=True)
                                       if rng.random() < 0.3 else ""),
                             website="" if free else f"https://www.{domain}",
                             product=rng.choice(products), message=message, visit=visit,
                             truth=industry))
    for index in range(30):  # obvious fakes: disposable mail, gibberish, phishing, SEO spam
        country, code, *_ = COUNTRIES[rng.randrange(len(COUNTRIES))]
        gibberish = "".join(rng.choice("qwrtzpsdfgklmnbvcx") for _ in range(7))
        rows.append(_row(rng, now, next(serial), country=country, person=gibberish.title(),
                         company=rng.choice(["", "Global Trading LLC", gibberish.upper()]),
                         email=f"{gibberish}{index}@{rng.choice(FAKE_DOMAINS)}", phone="",
                         whatsapp="", website="", product=rng.choice(["", "all products"]),
                         message=rng.choice(FAKE_MESSAGES), visit=0, truth="fake"))
    for index in range(3):  # no email, reachable by phone / WhatsApp only
        country, code, tld, firsts, lasts = COUNTRIES[index * 5]
        number = _phone(rng, code, country, mobile=True)
        rows.append(_row(rng, now, next(serial), country=country,
                         person=f"{rng.choice(firsts)} {rng.choice(lasts)}",
                         company=f"{rng.choice(lasts)} Pool Services", email="", phone=number,
                         whatsapp=number, website="", product="UV sterilizer 40W for pools",
                         message="Please WhatsApp me the price for pool UV sterilizers.", visit=0,
                         truth="pool"))
    return rows


def _row(rng: random.Random, now: datetime, serial: int, *, country: str, person: str,
         company: str, email: str, phone: str, whatsapp: str, website: str, product: str,
         message: str, visit: int, truth: str) -> dict[str, str]:
    platform = rng.choices(["alibaba", "made-in-china", "email", "web"], [40, 30, 20, 10])[0]
    ref = {"alibaba": f"AL{2025000000 + serial:010d}", "made-in-china": f"MIC{300000000 + serial}"}
    received = now - timedelta(days=rng.uniform(0, 120), hours=visit * 30)
    return {
        "received_at": received.isoformat(timespec="minutes"),
        "platform": platform,
        "platform_ref": ref.get(platform, ""),
        "buyer_name": person,
        "company": company,
        "country": country,
        "email": email,
        "phone": phone if rng.random() < 0.8 else "",
        "whatsapp": whatsapp,
        "website": website,
        "product": product,
        "quantity": rng.choice(QUANTITIES) if product else "",
        "message": message,
        "_truth": truth,  # the industry or "fake": for the demo's sandbox internet, not imported
    }
