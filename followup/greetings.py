"""A first chat message in the buyer's language, for WhatsApp's click-to-chat link.

The language is the one business is done in, in the buyer's country (English where
several are used or none of ours); the rep edits the message in WhatsApp before sending.
"""

LANGUAGES = {
    **dict.fromkeys("ES MX AR CO CL PE EC VE BO PY UY CR PA GT HN SV NI DO CU PR".split(), "es"),
    **dict.fromkeys("BR PT AO MZ".split(), "pt"),
    **dict.fromkeys("FR CI SN CM MA DZ TN ML BF NE GN BJ TG GA CG CD MG HT".split(), "fr"),
    **dict.fromkeys("DE AT".split(), "de"),
    "IT": "it", "TR": "tr", "VN": "vi", "ID": "id", "TH": "th", "JP": "ja", "KR": "ko",
    "PL": "pl", "NL": "nl", "CN": "zh", "RU": "ru", "BY": "ru", "KZ": "ru", "KG": "ru",
    **dict.fromkeys("SA AE EG IQ JO KW QA OM BH LB SY YE LY SD PS".split(), "ar"),
}

# {buyer}, {rep}, {product}
GREETINGS = {
    "en": "Hello {buyer}, this is {rep}. Thank you for your inquiry about {product}. "
          "May I send you our offer and catalogue here on WhatsApp?",
    "es": "Hola {buyer}, soy {rep}. Gracias por su consulta sobre {product}. "
          "¿Puedo enviarle nuestra oferta y catálogo por WhatsApp?",
    "pt": "Olá {buyer}, aqui é {rep}. Obrigado pela sua consulta sobre {product}. "
          "Posso enviar a nossa oferta e o catálogo por aqui, pelo WhatsApp?",
    "fr": "Bonjour {buyer}, ici {rep}. Merci pour votre demande concernant {product}. "
          "Puis-je vous envoyer notre offre et notre catalogue ici sur WhatsApp ?",
    "de": "Guten Tag {buyer}, hier ist {rep}. Vielen Dank für Ihre Anfrage zu {product}. "
          "Darf ich Ihnen unser Angebot und unseren Katalog hier per WhatsApp senden?",
    "it": "Buongiorno {buyer}, sono {rep}. Grazie per la sua richiesta su {product}. "
          "Posso inviarle la nostra offerta e il catalogo qui su WhatsApp?",
    "ru": "Здравствуйте, {buyer}! Это {rep}. Спасибо за ваш запрос о {product}. "
          "Могу ли я отправить вам наше предложение и каталог здесь, в WhatsApp?",
    "ar": "مرحباً {buyer}، معك {rep}. شكراً لاستفسارك عن {product}. "
          "هل يمكنني إرسال عرضنا والكتالوج هنا عبر واتساب؟",
    "tr": "Merhaba {buyer}, ben {rep}. {product} hakkındaki talebiniz için teşekkür ederiz. "
          "Teklifimizi ve kataloğumuzu buradan, WhatsApp üzerinden gönderebilir miyim?",
    "vi": "Xin chào {buyer}, tôi là {rep}. Cảm ơn anh/chị đã hỏi về {product}. "
          "Tôi có thể gửi báo giá và catalogue qua WhatsApp tại đây không?",
    "id": "Halo {buyer}, saya {rep}. Terima kasih atas pertanyaan Anda tentang {product}. "
          "Bolehkah saya mengirimkan penawaran dan katalog kami di sini lewat WhatsApp?",
    "th": "สวัสดีครับ/ค่ะ คุณ{buyer} ผม/ดิฉัน {rep} ขอบคุณที่สอบถามเรื่อง {product} "
          "ขอส่งใบเสนอราคาและแคตตาล็อกให้ทาง WhatsApp ได้ไหมครับ/คะ",
    "ja": "{buyer}様、{rep}と申します。{product}についてのお問い合わせありがとうございます。"
          "こちらのWhatsAppでお見積りとカタログをお送りしてもよろしいでしょうか。",
    "ko": "{buyer}님 안녕하세요, {rep}입니다. {product} 문의에 감사드립니다. "
          "여기 WhatsApp으로 견적과 카탈로그를 보내드려도 될까요?",
    "pl": "Dzień dobry {buyer}, tu {rep}. Dziękujemy za zapytanie dotyczące {product}. "
          "Czy mogę przesłać naszą ofertę i katalog tutaj, przez WhatsApp?",
    "nl": "Goedendag {buyer}, u spreekt met {rep}. Bedankt voor uw aanvraag over {product}. "
          "Mag ik u onze offerte en catalogus hier via WhatsApp sturen?",
    "zh": "{buyer}您好，我是{rep}。感谢您对{product}的询盘。"
          "我可以在WhatsApp上把报价和产品目录发给您吗？",
}


def greeting(country: str, *, buyer: str, rep: str, product: str) -> tuple[str, str]:
    """(language code, the first chat message) for a buyer in ``country``."""
    language = LANGUAGES.get((country or "").upper(), "en")
    text = GREETINGS[language].format(buyer=buyer or "", rep=rep or "", product=product)
    return language, " ".join(text.split()).replace(" ,", ",").replace(" !", "!")
