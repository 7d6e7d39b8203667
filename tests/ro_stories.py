"""Realistic Romanian news texts for the dedup, analysis and query tests: one agency story, its re-runs by
other sites (other intro and outro, boilerplate, edits, no diacritics, cedilla letters, truncation), and
other newsrooms' own reports of the same event."""

from __future__ import annotations

from monitor.text import strip_diacritics

AGENCY_TITLE = "Cod roșu de inundații în Alba: prefectul Horia Vlădescu a convocat comitetul pentru situații de urgență"

AGENCY_PARAGRAPHS = [
    "Alba Iulia, 14 mai /Agerpres/ - Prefectul județului Alba, Horia Vlădescu, a convocat marți seară, în "
    "ședință extraordinară, Comitetul Județean pentru Situații de Urgență, după ce hidrologii au emis un cod "
    "roșu de inundații pe râurile Ampoi, Aiud și Arieș, valabil până miercuri la ora 12:00.",
    "Potrivit Instituției Prefectului, în comunele Zlatna, Meteș și Galda de Jos au fost evacuate 146 de "
    "persoane, dintre care 38 de copii, iar 212 gospodării au fost inundate. Apa a acoperit drumul județean "
    "107I pe o porțiune de aproximativ doi kilometri, iar circulația se desfășoară cu dificultate.",
    "„Am dispus mobilizarea tuturor forțelor disponibile. Oamenii evacuați sunt cazați în școli și în "
    "căminele culturale, au apă potabilă, hrană caldă și asistență medicală. Nu vom lăsa pe nimeni singur”, "
    "a declarat prefectul Horia Vlădescu la finalul ședinței.",
    "Inspectoratul pentru Situații de Urgență Alba a trimis în zonele afectate 24 de autospeciale, patru "
    "bărci și peste 150 de pompieri, sprijiniți de jandarmi și de voluntari din serviciile locale. Echipele "
    "au intervenit pentru evacuarea apei din subsoluri și pentru consolidarea digurilor de pe Ampoi.",
    "Reprezentanții Apelor Române au precizat că nivelul râului Ampoi a depășit cota de pericol cu 40 de "
    "centimetri în dreptul localității Zlatna, iar debitele ar putea crește în cursul nopții, pe fondul "
    "precipitațiilor care vor continua în zona de munte.",
    "Prefectura Alba a anunțat că va solicita Guvernului fonduri din rezerva de urgență pentru refacerea "
    "podurilor și a drumurilor distruse, după ce comisiile de evaluare vor finaliza inventarul pagubelor în "
    "toate localitățile afectate.",
]

AGENCY_TEXT = "\n\n".join(AGENCY_PARAGRAPHS)

# A local site: its own intro, the agency text with small edits, and its boilerplate outro.
LOCAL_REWRITE_TITLE = "ALERTĂ în Alba! Sute de oameni evacuați din calea apelor. Prefectul a convocat de urgență CJSU"
LOCAL_REWRITE_TEXT = "\n\n".join(
    [
        "Situație dramatică în mai multe localități din județul nostru, unde ploile torențiale din ultimele "
        "24 de ore au umflat pâraiele. Redacția noastră a primit zeci de fotografii de la cititori.",
        AGENCY_PARAGRAPHS[0].replace("Alba Iulia, 14 mai /Agerpres/ - ", ""),
        AGENCY_PARAGRAPHS[1]
        .replace("146 de persoane", "aproape 150 de persoane")
        .replace("aproximativ doi kilometri", "circa 2 kilometri"),
        AGENCY_PARAGRAPHS[2],
        AGENCY_PARAGRAPHS[3].replace("peste 150 de pompieri", "peste 150 de salvatori"),
        AGENCY_PARAGRAPHS[4],
        "Revenim cu detalii. Urmăriți-ne și pe pagina de Facebook pentru cele mai noi informații. "
        "Ai o informație importantă? Trimite-ne un mesaj pe WhatsApp. Citește și: Cum arată prognoza meteo "
        "pentru weekend în Alba.",
    ]
)

# A national site that strips the diacritics (and uses cedilla letters in the title).
NO_DIACRITICS_TITLE = "Inundaţii în Alba: peste 140 de persoane evacuate, cod roşu pe Ampoi"
NO_DIACRITICS_TEXT = strip_diacritics(AGENCY_TEXT.replace("/Agerpres/", "(Mediafax)"))

# A site that keeps only the first four paragraphs and adds its source line.
TRUNCATED_TITLE = "Evacuări în trei comune din Alba, după ce râurile au ieșit din matcă"
TRUNCATED_TEXT = "\n\n".join([*AGENCY_PARAGRAPHS[:4], "Sursa: Agerpres. Foto: ISU Alba."])

# A site that reorders and trims: quotes first, numbers later, one paragraph dropped, a reader-comments footer.
REORDERED_TITLE = "Prefectul Vlădescu, după ședința CJSU: „Nu vom lăsa pe nimeni singur”"
REORDERED_TEXT = "\n\n".join(
    [
        AGENCY_PARAGRAPHS[2],
        AGENCY_PARAGRAPHS[0].replace("marți seară", "aseară"),
        AGENCY_PARAGRAPHS[1],
        AGENCY_PARAGRAPHS[3],
        AGENCY_PARAGRAPHS[5],
        "Comentariile cititorilor sunt moderate. Publicația nu răspunde pentru opiniile exprimate.",
    ]
)

# The feed summary of a site whose page could not be extracted (summary-only article).
SUMMARY_TITLE = "Cod roșu de inundații în Alba: prefectul a convocat comitetul pentru situații de urgență"
SUMMARY_TEXT = (
    "Prefectul județului Alba, Horia Vlădescu, a convocat marți seară, în ședință extraordinară, Comitetul "
    "Județean pentru Situații de Urgență, după ce hidrologii au emis un cod roșu de inundații pe râurile "
    "Ampoi, Aiud și Arieș [...]"
)

# Another newsroom's own report of the same flood: same places, people and figures, its own words.
OTHER_REPORT_TITLE = "Reportaj la Zlatna: oamenii își numără pagubele după ce Ampoiul a intrat în case"
OTHER_REPORT_TEXT = "\n\n".join(
    [
        "Zlatna, miercuri dimineață. Noroiul a rămas până la genunchi în curțile de pe strada Gării, iar "
        "localnicii scot cu găleata apa din pivnițe. Mulți dintre ei nu au dormit toată noaptea.",
        "„A venit ca un zid, în zece minute aveam apa în bucătărie. Am apucat să scoatem doar actele și "
        "copiii”, ne-a spus Maria Oltean, o femeie de 62 de ani care locuiește lângă pod de peste patruzeci de ani.",
        "Primarul orașului susține că avertizarea a venit târziu și că digul de pe Ampoi, promis de ani buni, "
        "nu a fost niciodată finalizat. Localnicii se plâng că nimeni nu a curățat albia râului după viitura "
        "de acum doi ani, deși au depus petiții la primărie și la Apele Române.",
        "La fața locului au ajuns pompierii și jandarmii, care au ajutat la evacuarea bătrânilor. Prefectul "
        "Horia Vlădescu a venit în cursul dimineții la Zlatna, a discutat cu sinistrații și a promis ajutoare "
        "de urgență pentru familiile care și-au pierdut agoniseala.",
        "Până la prânz, echipele de intervenție au reușit să redeschidă parțial drumul spre Alba Iulia. "
        "Oamenii se tem însă de noaptea care vine, pentru că meteorologii anunță noi ploi în Munții Apuseni.",
    ]
)

# A third, short report of the same event: a TV station's bulletin, its own words.
TV_BULLETIN_TITLE = "Inundații în Alba: CJSU s-a reunit de urgență"
TV_BULLETIN_TEXT = (
    "Comitetul pentru situații de urgență din Alba s-a reunit marți seară, la cererea prefectului Horia "
    "Vlădescu. Pe Ampoi este cod roșu, iar în Zlatna și Meteș zeci de familii au fost mutate la rude sau în "
    "școli. Pompierii au lucrat toată noaptea."
)

# An unrelated story from the same county and week.
UNRELATED_TITLE = "Prefectul Horia Vlădescu a înmânat certificatele de cetățenie la Alba Iulia"
UNRELATED_TEXT = "\n\n".join(
    [
        "Prefectul județului Alba, Horia Vlădescu, a organizat joi, la sediul instituției, ceremonia de depunere "
        "a jurământului de credință față de România pentru 27 de persoane care au redobândit cetățenia română.",
        "Noii cetățeni provin în principal din Republica Moldova și din Ucraina, iar mulți dintre ei lucrează "
        "sau studiază de mai mulți ani în Alba Iulia, Sebeș și Blaj.",
        "„Sunteți de astăzi, cu acte în regulă, ceea ce ați fost mereu în suflet. Vă așteptăm cu drag să "
        "participați la viața comunității”, le-a transmis prefectul celor prezenți.",
        "Ceremonia s-a încheiat cu intonarea imnului de stat, iar certificatele au fost înmânate în prezența "
        "familiilor. Instituția Prefectului a precizat că următoarea ceremonie va avea loc luna viitoare, "
        "după finalizarea dosarelor aflate în lucru la Autoritatea Națională pentru Cetățenie.",
    ]
)

# A critical story about the prefecture's passport service (negative toward the institution).
PASSPORT_TITLE = "Cozi uriașe la pașapoarte în Alba: oamenii așteaptă de la cinci dimineața"
PASSPORT_TEXT = "\n\n".join(
    [
        "Zeci de oameni stau zilnic la coadă în fața Serviciului de pașapoarte din Alba Iulia, din subordinea "
        "Instituției Prefectului – Județul Alba, iar programările online sunt ocupate pentru următoarele două luni.",
        "„Am venit la cinci dimineața și tot nu am prins un bon de ordine. E bătaie de joc”, spune un bărbat "
        "care urmează să plece la muncă în Germania. Mai mulți cetățeni acuză că sistemul nu funcționează.",
        "Reprezentanții Prefecturii Alba susțin că problemele sunt cauzate de lipsa de personal și promit că "
        "programul de lucru cu publicul va fi prelungit începând de luna viitoare.",
    ]
)

# The next day's follow-up: a different story that repeats the prefect's quote from the agency story.
FOLLOWUP_TITLE = "Pagubele lăsate de viitură în Alba, estimate la 12 milioane de lei. Guvernul, solicitat să intervină"
FOLLOWUP_TEXT = "\n\n".join(
    [
        "Comisiile de evaluare au terminat joi inventarul pagubelor produse de inundațiile de la începutul "
        "săptămânii în județul Alba. Potrivit raportului transmis Ministerului Afacerilor Interne, au fost "
        "afectate 318 case, 14 poduri și podețe și aproape 30 de kilometri de drumuri comunale.",
        "Cele mai mari distrugeri s-au înregistrat la Zlatna și Meteș, unde mai multe familii au rămas fără "
        "locuință și sunt găzduite în continuare de rude sau în spații puse la dispoziție de primării.",
        AGENCY_PARAGRAPHS[2],
        "Consiliul Județean a aprobat, într-o ședință extraordinară, alocarea a 500.000 de lei pentru "
        "ajutoarele de urgență, iar primarii localităților afectate cer ca lucrările la digurile de pe Ampoi "
        "să fie incluse într-un program guvernamental multianual.",
    ]
)


def with_cedilla(text: str) -> str:
    """The same text as an old site's CMS writes it: ş ţ with cedilla instead of ș ț."""
    return text.translate(str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ"}))


def syndicated_copies() -> list[tuple[str, str, str]]:
    """Nine re-runs of the agency story as (title, text, summary): text empty for the summary-only one."""
    outro = "Citește și: Alerta meteo continuă. Abonează-te la newsletterul nostru!"
    return [
        (LOCAL_REWRITE_TITLE, LOCAL_REWRITE_TEXT, ""),
        (NO_DIACRITICS_TITLE, NO_DIACRITICS_TEXT, ""),
        (TRUNCATED_TITLE, TRUNCATED_TEXT, ""),
        (REORDERED_TITLE, REORDERED_TEXT, ""),
        (SUMMARY_TITLE, "", SUMMARY_TEXT),
        (with_cedilla(AGENCY_TITLE), with_cedilla(AGENCY_TEXT), ""),
        ("Zeci de familii evacuate în Munții Apuseni", AGENCY_TEXT.replace("/Agerpres/", "") + "\n\n" + outro, ""),
        (
            AGENCY_TITLE.upper(),
            "\n\n".join(p for i, p in enumerate(AGENCY_PARAGRAPHS) if i != 4) + "\n\nFoto: arhivă.",
            "",
        ),
        (
            "VIDEO Apele au ieșit din matcă la Zlatna",
            "Imagini filmate de un cititor arată cum apa a acoperit curțile oamenilor.\n\n" + AGENCY_TEXT,
            "",
        ),
    ]


# A week of follow-ups from one local site about the Galda de Jos landfill: each day's story is two new
# paragraphs, then the previous day's two new paragraphs again as background ("Reamintim că..."), then the
# site's boilerplate footer. Each shares about half its text with the day before and only the footer with
# the days before that: six different stories, not one.
LANDFILL_FOOTER = (
    "Urmăriți Alba24 pe Facebook și pe Google News pentru cele mai noi știri din județul Alba. Ai o informație "
    "de interes public? Trimite-ne un mesaj pe WhatsApp sau pe adresa redacției. Reproducerea materialelor este "
    "permisă doar cu citarea sursei și a linkului către articolul original."
)
LANDFILL_NEWS = [
    (
        "Locuitorii din Galda de Jos reclamă un miros insuportabil venit de la depozitul ecologic de deșeuri al "
        "județului, unde celula de depozitare s-a umplut mai repede decât se estimase. Mai multe familii spun că "
        "nu mai pot deschide geamurile, iar copiii se plâng de dureri de cap.",
        "Operatorul depozitului susține că mirosul a fost cauzat de o defecțiune a instalației de captare a "
        "levigatului și promite că problema va fi rezolvată în cel mult două săptămâni, după sosirea pieselor "
        "comandate din Germania.",
    ),
    (
        "Garda de Mediu Alba a făcut luni un control inopinat la depozitul de la Galda de Jos și a constatat că "
        "bazinele de levigat erau pline, iar o parte din lichid se scurgea în pârâul din apropiere. Comisarii au "
        "prelevat probe de apă și de sol, care au fost trimise la laborator.",
        "Operatorul a primit o amendă de 50.000 de lei și un termen de zece zile pentru golirea bazinelor. "
        "Directorul societății spune că va contesta sancțiunea în instanță, pentru că defecțiunea a fost "
        "anunțată autorităților încă de săptămâna trecută.",
    ),
    (
        "Rezultatele analizelor au confirmat marți poluarea pârâului Galda: concentrația de amoniu depășește de "
        "șase ori limita admisă, iar la fântânile din aval apa nu mai este potabilă. Direcția de Sănătate "
        "Publică a recomandat locuitorilor să folosească doar apă îmbuteliată.",
        "Primăria a adus două cisterne cu apă în centrul satului și a cerut Consiliului Județean să suporte "
        "costurile până la remedierea situației. Mai mulți fermieri se tem că nu își vor mai putea adăpa "
        "animalele din pârâu până la toamnă.",
    ),
    (
        "Prefectul Horia Vlădescu a convocat miercuri o ședință a Comitetului pentru Situații de Urgență pe tema "
        "depozitului de deșeuri și a cerut operatorului un plan de măsuri în 48 de ore. La ședință au participat "
        "reprezentanții Gărzii de Mediu, ai Apelor Române și ai Direcției de Sănătate Publică.",
        "Instituția Prefectului a anunțat că va verifica legalitatea contractului de delegare a serviciului, "
        "semnat în urmă cu șapte ani, și că nu exclude sesizarea Curții de Conturi dacă vor fi găsite nereguli "
        "în modul în care a fost atribuit.",
    ),
    (
        "Aproximativ două sute de localnici din Galda de Jos și Mesentea au protestat joi seară în fața "
        "primăriei, cerând închiderea temporară a depozitului. Oamenii au scandat lozinci împotriva operatorului "
        "și au blocat pentru o jumătate de oră drumul județean spre Alba Iulia.",
        "Jandarmii au intervenit pentru deblocarea circulației, fără incidente. Liderii protestatarilor spun că "
        "vor reveni în stradă în fiecare seară până când autoritățile vor prezenta un calendar clar de "
        "remediere și de despăgubire a gospodăriilor afectate.",
    ),
    (
        "Consiliul Județean Alba a aprobat vineri, într-o ședință extraordinară, rezilierea contractului cu "
        "operatorul depozitului și preluarea temporară a serviciului de către o firmă a județului. Hotărârea a "
        "fost votată în unanimitate, după o dezbatere de aproape trei ore.",
        "Noua echipă va începe săptămâna viitoare golirea bazinelor de levigat și lucrările de refacere a "
        "instalației de captare. Președintele Consiliului Județean a promis că analizele apei vor fi publicate "
        "săptămânal pe site-ul instituției, până la încheierea lucrărilor.",
    ),
    (
        "Fostul operator al depozitului a depus sâmbătă la Tribunalul Alba o cerere de suspendare a hotărârii de "
        "reziliere, invocând investițiile de peste trei milioane de lei făcute în ultimii ani. Primul termen "
        "a fost fixat pentru sfârșitul lunii viitoare.",
        "Între timp, localnicii spun că mirosul s-a mai diminuat, dar apa din fântâni rămâne nepotabilă. "
        "Direcția de Sănătate Publică va repeta analizele luni, iar primăria continuă să aducă zilnic apă "
        "cu cisternele în centrul satului.",
    ),
]
LANDFILL_TITLES = [
    "Miros insuportabil la Galda de Jos: oamenii acuză depozitul de deșeuri",
    "Garda de Mediu a amendat operatorul depozitului de la Galda de Jos",
    "Pârâul Galda, poluat: apa din fântâni nu mai este potabilă",
    "Prefectul cere un plan de măsuri pentru depozitul de la Galda de Jos",
    "Protest la Galda de Jos: localnicii cer închiderea depozitului",
    "Consiliul Județean a reziliat contractul depozitului de la Galda de Jos",
]


def landfill_follow_ups() -> list[tuple[str, str]]:
    """Six follow-ups as (title, text): each day's news, the day before's news again, the site's footer."""
    stories = []
    for day, title in enumerate(LANDFILL_TITLES, start=1):
        today, before = LANDFILL_NEWS[day], LANDFILL_NEWS[day - 1]
        background = ["Reamintim că " + before[0][0].lower() + before[0][1:], before[1]]
        stories.append((title, "\n\n".join([*today, *background, LANDFILL_FOOTER])))
    return stories
