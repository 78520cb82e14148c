"""Every text the desktop shows, in Dutch, Swedish and English (pure data, no Qt).

One row per key: ``(nl, sv, en)``. A tuple rather than three dicts makes a
missing translation a syntax error instead of a blank label. ``{name}``
placeholders are filled by ``Translator.text``. Coaching tips quote the seed
texts (001 "Beheer uw spraakkwaliteit", "Praat niet over klanten"; 000 the
three steps).
"""

from __future__ import annotations

LANGUAGES = ("nl", "sv", "en")
"""UI languages, in catalogue column order."""

LANGUAGE_NAMES = {"nl": "Nederlands", "sv": "Svenska", "en": "English"}
"""Each language in its own words (shown in the language menu)."""

TEXTS: dict[str, tuple[str, str, str]] = {
    # --- overlay header and call state
    "state.idle": ("Geen gesprek", "Inget samtal", "No call"),
    "state.loading": ("Spraakmodel laden…", "Laddar talmodellen…", "Loading speech model…"),
    "state.starting": ("Gesprek starten…", "Startar samtalet…", "Starting call…"),
    "state.live": ("Gesprek", "Samtal", "Call"),
    "state.stopping": ("Afronden…", "Avslutar…", "Finishing…"),
    "state.ended": ("Gesprek afgelopen", "Samtalet slut", "Call ended"),
    "button.start": ("Gesprek starten", "Starta samtal", "Start call"),
    "button.stop": ("Gesprek stoppen", "Stoppa samtal", "Stop call"),
    "button.hide": ("Verbergen", "Dölj", "Hide"),
    "button.settings": ("Instellingen", "Inställningar", "Settings"),
    "button.shortcut": ("{action} ({keys})", "{action} ({keys})", "{action} ({keys})"),
    "talk.you": ("U", "Du", "You"),
    "talk.customer": ("Klant", "Kund", "Customer"),
    "talk.tooltip": (
        "Spreektijd: u {agent} %, de klant {customer} %. Sterke gesprekken: u rond 43 %.",
        "Taltid: du {agent} %, kunden {customer} %. Starka samtal: du runt 43 %.",
        "Talk time: you {agent}%, the customer {customer}%. Strong calls: you around 43%.",
    ),
    # --- alert strip
    "alerts.none": ("Geen meldingen", "Inga varningar", "No alerts"),
    "overtalk.title": (
        "U praat door de klant heen",
        "Du pratar i mun på kunden",
        "You are talking over the customer",
    ),
    "overtalk.tip": ("Laat de klant uitpraten.", "Låt kunden prata klart.", "Let them finish."),
    "deadair.title": ("Stilte · {seconds} s", "Tystnad · {seconds} s", "Silence · {seconds} s"),
    "deadair.tip": (
        "Zeg wat u aan het doen bent.",
        "Berätta vad du gör.",
        "Say what you are doing.",
    ),
    # --- pace and pauses
    "rate.title": ("Tempo", "Tempo", "Pace"),
    "rate.unit": ("lettergr./s", "stavelser/s", "syll./s"),
    "rate.wpm": ("{wpm} wpm", "{wpm} ord/min", "{wpm} wpm"),
    "rate.slow": ("Langzaam", "Långsamt", "Slow"),
    "rate.ok": ("Goed tempo", "Bra tempo", "Good pace"),
    "rate.fast": ("Te snel", "För snabbt", "Too fast"),
    "rate.waiting": ("Wacht op uw stem…", "Väntar på din röst…", "Waiting for your voice…"),
    "rate.tip.fast": (
        "Vertraag, pauzeer tussen uw zinnen.",
        "Sakta ner och pausa mellan meningarna.",
        "Slow down, pause between your sentences.",
    ),
    "rate.tooltip": (
        "Uw spreektempo; de band is het normale tempo (seed 001, Beheer uw spraakkwaliteit).",
        "Ditt taltempo; bandet är normalt tempo (seed 001).",
        "Your speaking rate; the band is a normal pace (seed 001, manage your speech).",
    ),
    "pause.title": ("Pauzes", "Pauser", "Pauses"),
    "pause.share": (
        "{n} van {total} zinnen",
        "{n} av {total} meningar",
        "{n} of {total} sentences",
    ),
    "pause.waiting": ("Nog geen zinnen", "Inga meningar än", "No sentences yet"),
    "pause.tooltip": (
        "Hoeveel van uw zinnen door een pauze gevolgd worden. Pauzes geven de klant ruimte.",
        "Hur många av dina meningar som följs av en paus. Pauser ger kunden utrymme.",
        "How many of your sentences are followed by a pause. Pauses give the customer room.",
    ),
    # --- emotion (an estimate, never a fact)
    "emotion.title": ("Klant · schatting", "Kund · uppskattning", "Customer · estimate"),
    "emotion.waiting": ("Nog geen schatting", "Ingen uppskattning än", "No estimate yet"),
    "emotion.confidence": ("{pct} % zeker", "{pct} % säker", "{pct}% sure"),
    "emotion.tooltip": (
        "Een schatting uit woorden en stem; ze kan ernaast zitten. Luister zelf ook.",
        "En uppskattning från ord och röst; den kan ha fel. Lyssna själv också.",
        "An estimate from words and voice; it can be wrong. Listen for yourself too.",
    ),
    "emotion.tooltip.words": (
        "Een schatting uit woorden; ze kan ernaast zitten. Luister zelf ook.",
        "En uppskattning från ord; den kan ha fel. Lyssna själv också.",
        "An estimate from words; it can be wrong. Listen for yourself too.",
    ),
    "emotion.boos": ("Boos", "Arg", "Angry"),
    "emotion.gefrustreerd": ("Gefrustreerd", "Frustrerad", "Frustrated"),
    "emotion.angstig": ("Ongerust", "Orolig", "Anxious"),
    "emotion.verongelijkt": ("Verongelijkt", "Förorättad", "Aggrieved"),
    "emotion.neutraal": ("Neutraal", "Neutral", "Neutral"),
    "emotion.zakelijk": ("Zakelijk", "Saklig", "Businesslike"),
    "emotion.tevreden": ("Tevreden", "Nöjd", "Satisfied"),
    "step.aanvoelen": ("Aanvoelen", "Känna av", "Sense"),
    "step.erkennen": ("Erkennen", "Bekräfta", "Acknowledge"),
    "step.leiden": ("Leiden", "Leda", "Lead"),
    # --- phrase alerts
    "phrase.title": ("Formulering", "Formulering", "Phrasing"),
    "phrase.said": ("U zei", "Du sa", "You said"),
    "phrase.instead": ("Zeg liever", "Säg hellre", "Say instead"),
    "quote": ("‘{text}’", "”{text}”", "“{text}”"),
    # --- transcript
    "transcript.latest": ("↓ Nieuwste", "↓ Senaste", "↓ Latest"),
    "transcript.gap": (
        "⋯ {start}–{end} overgeslagen (pc te druk)",
        "⋯ {start}–{end} hoppades över (datorn för upptagen)",
        "⋯ {start}–{end} skipped (PC too busy)",
    ),
    "transcript.empty": (
        "Wat er gezegd wordt, verschijnt hier.",
        "Det som sägs visas här.",
        "What is said appears here.",
    ),
    # --- engine status in plain words
    "status.model_loading": (
        "Spraakmodel laden…",
        "Laddar talmodellen…",
        "Loading the speech model…",
    ),
    "status.ready": ("Klaar", "Klar", "Ready"),
    "status.asr_behind": (
        "Tekst loopt achter; meldingen werken gewoon.",
        "Texten ligger efter; varningarna fungerar.",
        "Text is running behind; alerts still work.",
    ),
    "status.asr_caught_up": ("Tekst weer bij.", "Texten är ikapp.", "Text caught up."),
    "status.transcript_gap": (
        "Tekst overgeslagen om bij te blijven; meldingen werken gewoon.",
        "Text hoppades över för att hinna ikapp; varningarna fungerar.",
        "Text skipped to keep up; alerts still work.",
    ),
    "status.asr_failed": (
        "Spraakherkenning werkt niet: {message}",
        "Taligenkänningen fungerar inte: {message}",
        "Speech recognition failed: {message}",
    ),
    "status.overrun": (
        "De pc is te druk: stukjes audio overgeslagen.",
        "Datorn är för upptagen: ljud hoppades över.",
        "The PC is too busy: some audio was skipped.",
    ),
    "status.device_missing": (
        "Geen geluidsapparaat: {message}",
        "Ingen ljudenhet: {message}",
        "No sound device: {message}",
    ),
    "status.device_lost": (
        "Geluid weggevallen ({side}). Controleer de headset.",
        "Ljudet försvann ({side}). Kontrollera headsetet.",
        "Sound lost ({side}). Check the headset.",
    ),
    "status.device_back": ("Geluid is terug.", "Ljudet är tillbaka.", "Sound is back."),
    "status.cpu_overload": (
        "De pc is overbelast; analyse vereenvoudigd.",
        "Datorn är överbelastad; enklare analys.",
        "The PC is overloaded; analysis simplified.",
    ),
    "status.mono_call": (
        "Maar één kanaal: door elkaar praten is niet te meten.",
        "Bara en kanal: att prata i mun kan inte mätas.",
        "One channel only: talking over cannot be measured.",
    ),
    "status.recording_stopped": (
        "Opname gestopt ({message}); de coaching gaat door.",
        "Inspelningen stoppade ({message}); coachningen fortsätter.",
        "Recording stopped ({message}); coaching goes on.",
    ),
    "status.calls_recovered": (
        "{message} opgenomen gesprek(ken) afgebroken door een crash; bewaard, terug te kijken.",
        "{message} inspelat samtal avbröts av en krasch; sparat och går att spela upp.",
        "{message} recorded call(s) cut off by a crash; kept, ready for replay.",
    ),
    "status.access_log_broken": (
        "Het toegangslog is gewijzigd of ingekort: opgeslagen gesprekken gaan niet open "
        "(zie belcoach doctor). Live coaching werkt.",
        "Åtkomstloggen har ändrats eller kortats: sparade samtal öppnas inte "
        "(se belcoach doctor). Livecoachning fungerar.",
        "The access log was edited or cut: stored calls will not open "
        "(see belcoach doctor). Live coaching works.",
    ),
    "status.access_log_readonly": (
        "Het toegangslog kan niet worden geschreven: opgeslagen gesprekken gaan niet open. "
        "Live coaching werkt.",
        "Åtkomstloggen kan inte skrivas: sparade samtal öppnas inte. Livecoachning fungerar.",
        "The access log cannot be written: stored calls will not open. Live coaching works.",
    ),
    "status.access_log_deleted": (
        "Het toegangslog is verwijderd; een nieuw log begint (zie belcoach doctor).",
        "Åtkomstloggen har raderats; en ny logg börjar (se belcoach doctor).",
        "The access log was deleted; a new one starts (see belcoach doctor).",
    ),
    "rec.label": ("● REC", "● REC", "● REC"),
    "rec.stopped": ("○ REC", "○ REC", "○ REC"),
    "rec.tooltip": (
        "Dit gesprek wordt opgenomen voor coaching ({folder}).",
        "Samtalet spelas in för coachning ({folder}).",
        "This call is being recorded for coaching ({folder}).",
    ),
    "rec.stopped.tooltip": (
        "De opname is gestopt: {reason}. De coaching gaat door.",
        "Inspelningen har stoppat: {reason}. Coachningen fortsätter.",
        "Recording stopped: {reason}. Coaching goes on.",
    ),
    "status.settings_problem": (
        "Probleem in de instellingen; zie Instellingen.",
        "Problem i inställningarna; se Inställningar.",
        "A problem in the settings; see Settings.",
    ),
    # --- tray
    "tray.tooltip": ("belcoach: gesprekscoach", "belcoach: samtalscoach", "belcoach: call coach"),
    "tray.show": ("Overlay tonen", "Visa overlay", "Show overlay"),
    "tray.hide": ("Overlay verbergen", "Dölj overlay", "Hide overlay"),
    "tray.replay": ("Gesprek terugkijken…", "Spela upp samtal…", "Replay a call…"),
    "tray.replay.tip": (
        "Opgenomen gesprekken terugkijken, met tijdlijn en transcript.",
        "Spela upp inspelade samtal, med tidslinje och transkript.",
        "Replay recorded calls with their timeline and transcript.",
    ),
    "tray.recording": (
        "belcoach: gesprekscoach · dit gesprek wordt opgenomen",
        "belcoach: samtalscoach · samtalet spelas in",
        "belcoach: call coach · this call is being recorded",
    ),
    "replay.no_library": (
        "De gesprekkenbibliotheek kan niet worden geopend: {message}",
        "Samtalsbiblioteket kan inte öppnas: {message}",
        "The call library cannot be opened: {message}",
    ),
    "tray.settings": ("Instellingen…", "Inställningar…", "Settings…"),
    "tray.quit": ("Afsluiten", "Avsluta", "Quit"),
    # --- settings dialog
    "settings.title": (
        "belcoach · instellingen",
        "belcoach · inställningar",
        "belcoach · settings",
    ),
    "settings.tab.general": ("Algemeen", "Allmänt", "General"),
    "settings.tab.audio": ("Audio", "Ljud", "Audio"),
    "settings.tab.alerts": ("Meldingen", "Varningar", "Alerts"),
    "settings.tab.recording": ("Opnemen", "Inspelning", "Recording"),
    "settings.call_language": ("Taal van het gesprek", "Samtalets språk", "Call language"),
    "settings.agent_name": (
        "Uw naam (op de kaartjes)",
        "Ditt namn (på korten)",
        "Your name (on the cards)",
    ),
    "settings.company_name": (
        "Naam van de organisatie",
        "Organisationens namn",
        "Organisation name",
    ),
    "settings.ui_language": ("Taal van belcoach", "Språk i belcoach", "belcoach language"),
    "settings.ui_language.system": ("Systeemtaal", "Systemets språk", "System language"),
    "settings.model": ("Spraakmodel", "Talmodell", "Speech model"),
    "settings.opacity": ("Dekking van de overlay", "Overlayens täckning", "Overlay opacity"),
    "settings.on_top": ("Altijd bovenop", "Alltid överst", "Always on top"),
    "settings.agent_device": ("Uw microfoon", "Din mikrofon", "Your microphone"),
    "settings.customer_device": ("Geluid van het gesprek", "Samtalets ljud", "Call audio"),
    "settings.device.default": (
        "Standaard van het systeem",
        "Systemets standard",
        "System default",
    ),
    "settings.device.none": (
        "Geen invoerapparaten gevonden. Sluit een headset aan of start het geluidssysteem.",
        "Inga ingångsenheter hittades. Anslut ett headset eller starta ljudsystemet.",
        "No input devices found. Plug in a headset or start the sound system.",
    ),
    "settings.alerts.intro": (
        "Welke meldingen u tijdens het gesprek ziet:",
        "Vilka varningar du ser under samtalet:",
        "Which alerts you see during a call:",
    ),
    "settings.alerts.overtalk": (
        "Door de klant heen praten",
        "Prata i mun på kunden",
        "Talking over the customer",
    ),
    "settings.alerts.speech_rate": ("Spreektempo", "Taltempo", "Speaking rate"),
    "settings.alerts.pauses": ("Pauzes tussen zinnen", "Pauser mellan meningar", "Pauses"),
    "settings.alerts.dead_air": ("Lange stilte", "Lång tystnad", "Long silence"),
    "settings.alerts.phrases": ("Formuleringen", "Formuleringar", "Phrasing"),
    "settings.alerts.emotion": (
        "Gevoel van de klant (schatting)",
        "Kundens känsla (uppskattning)",
        "Customer feeling (estimate)",
    ),
    "settings.thresholds": ("Drempels", "Trösklar", "Thresholds"),
    "settings.recording.enabled": (
        "Gesprekken opnemen voor coaching",
        "Spela in samtal för coachning",
        "Record calls for coaching",
    ),
    "settings.recording.retention": (
        "Opnamen bewaren (dagen)",
        "Spara inspelningar (dagar)",
        "Keep recordings (days)",
    ),
    "settings.recording.note": (
        "Opnamen blijven op deze pc en worden na de bewaartermijn verwijderd.",
        "Inspelningar stannar på den här datorn och raderas efter lagringstiden.",
        "Recordings stay on this PC and are deleted after the retention period.",
    ),
    "settings.locked": (
        "Vastgezet door het IT-beleid ({path}).",
        "Låst av IT-policyn ({path}).",
        "Locked by the IT policy ({path}).",
    ),
    "settings.locked.ask": ("Vraag: {contact}.", "Fråga: {contact}.", "Ask: {contact}."),
    "settings.problems": (
        "Niet alle instellingen konden worden gelezen:",
        "Alla inställningar kunde inte läsas:",
        "Some settings could not be read:",
    ),
    "settings.save": ("Opslaan", "Spara", "Save"),
    "settings.cancel": ("Annuleren", "Avbryt", "Cancel"),
    "settings.save_failed": (
        "Opslaan is niet gelukt: {error}",
        "Det gick inte att spara: {error}",
        "Could not save: {error}",
    ),
    "settings.applies_next_call": (
        "Geldt vanaf het volgende gesprek.",
        "Gäller från nästa samtal.",
        "Applies from the next call.",
    ),
    # --- errors
    "error.title": ("belcoach · fout", "belcoach · fel", "belcoach · error"),
    "error.unexpected": (
        "Er ging iets onverwachts mis. De details staan in het logbestand:\n{path}",
        "Något oväntat gick fel. Detaljerna finns i loggfilen:\n{path}",
        "Something unexpected went wrong. The details are in the log file:\n{path}",
    ),
    "side.agent": ("uw microfoon", "din mikrofon", "your microphone"),
    "side.customer": ("gespreksgeluid", "samtalsljudet", "call audio"),
}
