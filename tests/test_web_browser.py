"""The web workspace in a real browser: Debian's headless Chromium driven by Selenium.

- the flows of each role: sign in, the triage queue (texts hidden until shown), labels,
  incidents with attachments, the court file's download, and what a helper, a viewer and a
  stranger to the case may not do;
- hostile texts (hundreds of XSS, template-injection and Unicode payloads in messages, display
  names, bios, handles, incidents and query strings) that must never run nor be interpreted;
- accessibility: axe-core on every page, no serious or critical violation;
- screenshots of every page (desktop 1280x900 and phone 390x844) in ``$REMPART_SCREENSHOTS``,
  else ``tests/artifacts/screenshots/``.

Everything runs on 127.0.0.1; the cases are built once for the module and one browser serves
every test.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import orjson
import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from rempart import case as rc
from rempart.web import Workspace

from conftest import T0, page, tweet, user
from web_support import PASSWORD, TEXTS, build_case, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (scripts/install-system-packages --test)",
)

SHOTS = Path(
    os.environ.get("REMPART_SCREENSHOTS") or Path(__file__).parent / "artifacts" / "screenshots"
)
#: name -> (width, height, mobile)
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
WAIT = 30

# --------------------------------------------------------------------------- hostile payloads
#: What every payload's script does: three signs that it ran.
JS = "window.__xss=1;document.title=String.fromCharCode(88,83,83,69,68);alert(1)"

_HANDLERS = [
    ("img", "src=x onerror"),
    ("img", "src=/nowhere.png onerror"),
    ("image", "src=x onerror"),
    ("svg", "onload"),
    ("body", "onload"),
    ("body", "onpageshow"),
    ("iframe", "onload"),
    ("video", "src=x onerror"),
    ("audio", "src=x onerror"),
    ("details", "open ontoggle"),
    ("input", "autofocus onfocus"),
    ("select", "autofocus onfocus"),
    ("textarea", "autofocus onfocus"),
    ("button", "autofocus onfocus"),
    ("marquee", "onstart"),
    ("div", "onmouseover"),
    ("a", "href=# onclick"),
    ("form", "onsubmit"),
    ("object", "data=x onerror"),
    ("embed", "src=x onload"),
    ("style", "onload"),
    ("link", "rel=stylesheet href=x onerror"),
    ("script", "src=x onerror"),
    ("x", "contenteditable autofocus onfocusin"),
    ("div", "tabindex=1 autofocus onfocus"),
    ("span", "onpointerenter"),
    ("p", "onanimationstart"),
    ("table", "background=x onerror"),
    ("isindex", "autofocus onfocus"),
    ("keygen", "autofocus onfocus"),
]

_HANDWRITTEN = [
    # script tags
    f"<script>{JS}</script>",
    f"<SCRIPT>{JS}</SCRIPT>",
    f"<ScRiPt >{JS}</sCrIpT >",
    f"<script src=data:text/javascript,{JS}></script>",
    "<script src=//127.0.0.1:1/x.js></script>",
    f"<script>/*</script><script>{JS}//*/</script>",
    f"<scr<script>ipt>{JS}</scr</script>ipt>",
    f"</p><script>{JS}</script>",
    f"</textarea><script>{JS}</script>",
    f"</title><script>{JS}</script>",
    f"</style><script>{JS}</script>",
    f"</script><script>{JS}</script>",
    f"<!--<script>{JS}</script>-->",
    f"--><script>{JS}</script>",
    f"]]><script>{JS}</script>",
    f"</div></li></ol></form><script>{JS}</script>",
    f"<script type=module>{JS}</script>",
    f"<script>eval(atob('{JS}'))</script>",
    # attribute breakouts
    f'"><script>{JS}</script>',
    f"'><script>{JS}</script>",
    f"'><img src=x onerror={JS}>",
    f'"><img src=x onerror={JS}>',
    f'" onmouseover="{JS}" x="',
    f"' onfocus='{JS}' autofocus x='",
    f"` onload={JS} `",
    f'"/><svg onload={JS}>',
    f'" autofocus onfocus="{JS}',
    f'"}};{JS};//',
    f'\\"}};{JS};//',
    f"'-{JS}-'",
    f'";{JS};"',
    f'"><iframe srcdoc="<script>{JS}</script>">',
    # javascript: and data: URLs
    f"javascript:{JS}",
    f"JaVaScRiPt:{JS}",
    f"java\tscript:{JS}",
    f"  javascript:{JS}",
    f"&#106;avascript:{JS}",
    f"&#x6A;avascript&#x3A;{JS}",
    "vbscript:msgbox(1)",
    f"data:text/html,<script>{JS}</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    f'<a href="javascript:{JS}">clique ici</a>',
    f"<a href=javascript:{JS}>x</a>",
    f'<iframe src="javascript:{JS}"></iframe>',
    f'<object data="javascript:{JS}"></object>',
    f'<embed src="data:text/html,<script>{JS}</script>">',
    f'<form action="javascript:{JS}"><button>envoyer</button></form>',
    f'<button formaction="javascript:{JS}">go</button>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    '<meta http-equiv="refresh" content="0;url=/logout">',
    '<base href="javascript:alert(1)//">',
    '<base href="//127.0.0.1:1/">',
    f'<iframe src="data:text/html,<script>{JS}</script>"></iframe>',
    # CSS injection
    f'<div style="background:url(javascript:{JS})">x</div>',
    f'<div style="width:expression({JS})">x</div>',
    f"<style>body{{background:url('javascript:{JS}')}}</style>",
    "<style>*{display:none!important}</style>",
    "<style>@import 'http://127.0.0.1:1/x.css';</style>",
    f"<style>*{{x:expression({JS})}}</style>",
    '<div style="behavior:url(x.htc)">x</div>',
    '<link rel=stylesheet href="data:text/css,body{display:none}">',
    "<style>@keyframes x{}</style><p style=animation-name:x onanimationstart=alert(1)>",
    "color:red;background:url(x)",
    "}</style><style>body{color:red}",
    # SVG and MathML
    f"<svg><script>{JS}</script></svg>",
    f"<svg><animate onbegin={JS} attributeName=x dur=1s>",
    f'<svg><a xlink:href="javascript:{JS}"><text x=20 y=20>x</text></a></svg>',
    f"<svg><set attributeName=onmouseover to={JS}>",
    f'<svg><use href="data:image/svg+xml,<svg id=x xmlns=http://www.w3.org/2000/svg><image href=1 onerror={JS} /></svg>#x"/></svg>',
    f'<svg><foreignObject><iframe srcdoc="<script>{JS}</script>"></iframe></foreignObject></svg>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
    f'<math href="javascript:{JS}">x</math>',
    f'<math><maction actiontype="statusline" xlink:href="javascript:{JS}">x</maction></math>',
    f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
    f'<svg></p><style><a id="</style><img src=1 onerror={JS}>">',
    f"<svg><style><img src=x onerror={JS}></style></svg>",
    f"<xmp><script>{JS}</script></xmp>",
    f"<template><script>{JS}</script></template>",
    # htmx: attributes a swap would act on
    '<div hx-get="/logout" hx-trigger="load">x</div>',
    '<form hx-post="/cases/alice/labels" hx-trigger="load"></form>',
    f'<div hx-on:htmx:load="{JS}">x</div>',
    f'<div data-hx-on::load="{JS}">x</div>',
    f'<img src=x hx-on:error="{JS}">',
    '<div hx-get="/cases/alice/dossier" hx-trigger="load" hx-swap="outerHTML">x</div>',
    # template injection
    "{{7*7}}",
    "{{ 7*7 }}",
    "{%7*7%}",
    "{% for x in range(7) %}{{x}}{% endfor %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "[[7*7]]",
    "{{=7*7}}",
    "@(7*7)",
    "~[7*7]",
    "{{constructor.constructor('alert(1)')()}}",
    "{{config}}{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ t('app') }}",
    "{{ csrf }}",
    "{# commentaire #}",
    "{{7*'7'}}",
    "${{7*7}}",
    "*{7*7}",
    # Unicode tricks
    "\u202egnp.exe",
    "@alice \u202e!tnatropmi",
    "facture\u202efdp.exe",
    "a\u200bl\u200ci\u200dce",
    f"\ufeff<script>{JS}</script>",
    "\u0430lice",  # Cyrillic a
    "\u0440\u0430\u0443\u0440\u0430l",  # Cyrillic "paypal"
    "\uff21\uff2c\uff29\uff23\uff25",  # fullwidth ALICE
    f"\uff1cscript\uff1e{JS}\uff1c/script\uff1e",
    f"\u2028<img src=x onerror={JS}>\u2029",
    "e\u0301\u0302\u0303\u0304\u0305\u0306\u0307",
    "\U0001f600\U0001f469\u200d\U0001f4bb\U0001f3f3\ufe0f\u200d\U0001f308",
    "\u00a0&nbsp;&amp;&lt;&gt;",
    f"\u0000<script>{JS}</script>",
    f"ligne\r\n<script>{JS}</script>",
    f"\t<svg onload={JS}>",
    "\u2066isolé\u2069 \u2067\u202b\u202a",
    "\u061c\u200e\u200f",
    "\u1160\u3164 vide",
    "\u0000\u0001\u0007\u001b[31mrouge\u001b[0m",
    "\u200b" * 20,
    "x" + "\u0301" * 60,
    # encodings
    f"&lt;script&gt;{JS}&lt;/script&gt;",
    f"%3Cscript%3E{JS}%3C/script%3E",
    f"\\u003cscript\\u003e{JS}\\u003c/script\\u003e",
    f"&#60;script&#62;{JS}&#60;/script&#62;",
    f"\\x3cscript\\x3e{JS}\\x3c/script\\x3e",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    f"<scr\u0000ipt>{JS}</scr\u0000ipt>",
    f"&amp;lt;script&amp;gt;{JS}",
    f"<<script>{JS}//<</script>",
    f"<img src=`x` onerror={JS}>",
    f"<img/src=x/onerror={JS}>",
    f"<img src=x onerror\u000b={JS}>",
    f"<img src=x onerror\u000c={JS}>",
    "<img src=x:alert(1) onerror=eval(src)>",
    f'<img """><script>{JS}</script>">',
    f"<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{JS}>",
]


def _payloads() -> list[str]:
    made = list(_HANDWRITTEN)
    for tag, attr in _HANDLERS:
        made += [
            f"<{tag} {attr}={JS}>",
            f'<{tag} {attr}="{JS}">',
            f"<{tag.upper()} {attr.upper()}='{JS}'>",
            f"<{tag}/{attr.replace(' ', '/')}={JS}>",
        ]
    return list(dict.fromkeys(made))


PAYLOADS = _payloads()
#: Handles of accounts (in the triage queue, the accounts page, the coordination graph).
HOSTILE_HANDLES = [
    f"<img src=x onerror={JS}>",
    f'"><svg onload={JS}>',
    "{{7*7}}",
    "\u202enimda",
    "\u0430lice",
    f"javascript:{JS}",
    f"</td><script>{JS}</script>",
    "a\u200blice",
    "compte_" + "x" * 31 + "<script>",  # long: a shortened label must not cut "&lt;" apart
]
#: Payloads sent in query strings and form fields (reflected in notices and error pages).
REFLECTED = [
    f"<script>{JS}</script>",
    f'"><img src=x onerror={JS}>',
    f"'><svg onload={JS}>",
    "{{7*7}}",
    f"javascript:{JS}",
    "\u202e<b>gras</b>",
]
TEMPLATE_MARK = "7*7"

# --------------------------------------------------------------------------- browser helpers
#: Runs in every document before its own scripts: records dialogs, title changes and CSP
#: violations.
PROBE = """
(() => {
  const seen = {dialogs: [], titles: [], csp: []};
  Object.defineProperty(window, "__probe", {value: seen});
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const real = window[name];
    window[name] = function (...args) { seen.dialogs.push(name + ":" + String(args[0])); return real.apply(this, args); };
  }
  const title = Object.getOwnPropertyDescriptor(Document.prototype, "title");
  Object.defineProperty(Document.prototype, "title", {
    configurable: true,
    get() { return title.get.call(this); },
    set(value) { seen.titles.push(String(value)); title.set.call(this, value); },
  });
  document.addEventListener("securitypolicyviolation", (e) => {
    seen.csp.push({directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample});
  });
})();
"""

#: What a payload could have planted in the page: returns the problems found.
DOM_CHECK = """
const problems = [];
const scripts = new Set(["/static/htmx.min.js", "/static/app.js"]);
const banned = new Set(["IMG", "IMAGE", "IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED", "STYLE",
  "MATH", "DETAILS", "VIDEO", "AUDIO", "SOURCE", "MARQUEE", "BASE", "NOSCRIPT", "TEMPLATE",
  "XMP", "PLAINTEXT", "ISINDEX", "KEYGEN", "APPLET", "PORTAL", "X", "ANIMATE", "SET",
  "FOREIGNOBJECT", "USE", "LISTING", "NOEMBED", "NOFRAMES", "MGLYPH", "MTEXT", "MACTION"]);
const urlish = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
  "background", "poster", "srcset", "ping", "codebase"]);
for (const el of document.querySelectorAll("*")) {
  const tag = el.tagName.toUpperCase();
  const where = tag + (el.id ? "#" + el.id : "");
  if (banned.has(tag)) problems.push("element " + el.outerHTML.slice(0, 120));
  if (tag === "SCRIPT" && !scripts.has(el.getAttribute("src") || "")) problems.push("script " + el.outerHTML.slice(0, 120));
  if (tag === "LINK" && el.getAttribute("href") !== "/static/app.css") problems.push("link " + el.outerHTML.slice(0, 120));
  if (tag === "META" && el.hasAttribute("http-equiv")) problems.push("meta " + el.outerHTML.slice(0, 120));
  if (tag === "SVG" && !el.closest("figure.chart")) problems.push("svg outside a chart: " + el.outerHTML.slice(0, 120));
  if (tag === "A" && el.closest("svg")) problems.push("link in a chart: " + el.outerHTML.slice(0, 120));
  for (const a of el.attributes) {
    const name = a.name.toLowerCase();
    if (name.startsWith("on")) problems.push(where + " has " + name + "=" + a.value.slice(0, 80));
    if (name === "style" || name === "srcdoc" || name === "autofocus" || name === "contenteditable") problems.push(where + " has " + name);
    if (urlish.has(name) && /^[\\s\\u0000-\\u001f]*(javascript|data|vbscript)\\s*:/i.test(a.value)) problems.push(where + " " + name + "=" + a.value.slice(0, 80));
    if ((name.startsWith("hx-") || name.startsWith("data-hx-")) && !(tag === "BODY" || (tag === "FORM" && el.classList.contains("hidden-form")))) problems.push(where + " has " + name);
  }
}
return problems;
"""

#: Text holding bidirectional controls that shares its paragraph with other text without an
#: isolating element around it (it would reorder what follows it on screen).
BIDI_CHECK = """
const controls = /[\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]/;
const leaks = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (!controls.test(node.data)) continue;
  const own = node.data.trim();
  let el = node.parentElement, ok = false;
  while (el) {
    const style = getComputedStyle(el);
    const svgText = el.namespaceURI === "http://www.w3.org/2000/svg" && el.localName === "text";
    // a block is a paragraph of its own: the text must be all of it
    if (style.display !== "inline" || svgText) { ok = el.textContent.trim() === own; break; }
    // an isolating inline element (<bdi>) keeps the text's order to itself
    if (["isolate", "plaintext", "isolate-override"].includes(style.unicodeBidi)) { ok = true; break; }
    if (el.textContent.trim() !== own) break;
    el = el.parentElement;
  }
  if (!ok) leaks.push((el ? el.tagName : "?") + ": " + JSON.stringify(node.data.slice(0, 60)));
}
return leaks;
"""

#: fetch() from the page, with its session cookie: (url, method, [[name, value]] or null).
FETCH = """
const [url, method, fields] = arguments;
const done = arguments[arguments.length - 1];
const init = {method: method, credentials: "same-origin", redirect: "follow"};
if (fields !== null) {
  const body = new URLSearchParams();
  for (const [k, v] of fields) body.append(k, v);
  init.body = body;
}
fetch(url, init)
  .then(async (r) => done({status: r.status, url: r.url, body: await r.text()}))
  .catch((e) => done({status: -1, body: String(e)}));
"""

#: Submits a plain (non-htmx) form, as a browser without scripts would: (action, [[name, value]]).
SUBMIT = """
const [action, fields] = arguments;
const form = document.createElement("form");
form.method = "post";
form.action = action;
for (const [k, v] of fields) {
  const input = document.createElement("input");
  input.type = "hidden"; input.name = k; input.value = v;
  form.appendChild(input);
}
document.body.appendChild(form);
form.submit();
"""

#: Lets pending events (image errors, focus, animations) fire before a page is judged.
SETTLE = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));
"""


@dataclass
class Site:
    """A served workspace: its URL, case ``alice``'s folder and its messages by ref
    (``platform:id`` -> (text, author's display name))."""

    base: str
    alice: Path
    stored: dict[str, tuple[str, str]]
    console: list[dict[str, Any]] = field(default_factory=list)


def _stored(path: Path) -> dict[str, tuple[str, str]]:
    case = rc.open_case(path)
    try:
        return {
            f"{s.message.platform}:{s.message.id}": (
                s.message.text or "",
                s.message.author_display_name or "",
            )
            for s in case.store.messages(include_referenced=False)
        }
    finally:
        case.close()


def _viewport(driver: WebDriver, width: int, height: int, mobile: bool) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def _shoot(driver: WebDriver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")
    for label, (width, height, mobile) in VIEWPORTS.items():
        _viewport(driver, width, height, mobile)
        driver.execute_async_script(SETTLE)
        assert driver.save_screenshot(str(SHOTS / f"{name}-{label}.png"))
    _viewport(driver, *VIEWPORTS["desktop"])


def _wait(driver: WebDriver, seconds: float = WAIT) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, seconds, poll_frequency=0.02)


def _go(driver: WebDriver, url: str) -> None:
    driver.get(url)
    _wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _sign_in(driver: WebDriver, site: Site, email: str, password: str = PASSWORD) -> None:
    _go(driver, site.base + "/login")
    driver.delete_all_cookies()
    _go(driver, site.base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait(driver).until(lambda d: urlparse(d.current_url).path == "/")
    assert email in driver.find_element(By.TAG_NAME, "footer").text


def _fetch(
    driver: WebDriver, url: str, method: str = "GET", fields: list[list[str]] | None = None
) -> dict[str, Any]:
    answer: dict[str, Any] = driver.execute_async_script(FETCH, url, method, fields)
    return answer


def _csrf(driver: WebDriver) -> str:
    token = driver.find_element(By.TAG_NAME, "body").get_attribute("data-csrf")
    assert token, "the page carries no CSRF token"
    return token


def _submit(driver: WebDriver, action: str, fields: list[list[str]]) -> None:
    old = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script(SUBMIT, action, fields)
    _wait(driver).until(EC.staleness_of(old))
    _wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _no_alert(driver: WebDriver, where: str) -> None:
    try:
        dialog = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = dialog.text
    dialog.dismiss()
    pytest.fail(f"{where}: a dialog opened ({text!r})")


def _csp_messages(site: Site, driver: WebDriver) -> list[str]:
    """The console's CSP reports since the last call (kept in ``site.console``)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    site.console += entries
    return [
        str(e.get("message", ""))
        for e in entries
        if "Content Security Policy" in str(e.get("message", ""))
    ]


def _assert_clean(driver: WebDriver, site: Site, where: str) -> list[dict[str, Any]]:
    """Nothing a payload would do happened on this page; returns its CSP violations."""
    driver.execute_async_script(SETTLE)
    _no_alert(driver, where)
    assert driver.execute_script("return typeof window.__xss") == "undefined", where
    assert driver.title != "XSSED", where
    probe: dict[str, Any] = driver.execute_script("return window.__probe")
    assert probe["dialogs"] == [], (where, probe["dialogs"])
    assert not [t for t in probe["titles"] if "XSSED" in t], (where, probe["titles"])
    problems = driver.execute_script(DOM_CHECK)
    assert problems == [], (where, problems[:10])
    leaks = driver.execute_script(BIDI_CHECK)
    assert leaks == [], (where, leaks[:10])
    ours = [m for m in _csp_messages(site, driver) if "/static/" in m]
    assert ours == [], (where, ours)
    violations: list[dict[str, Any]] = probe["csp"]
    ours_too = [
        v
        for v in violations
        if "/static/" in str(v.get("source") or "") or "/static/" in str(v.get("blocked") or "")
    ]
    assert ours_too == [], (where, ours_too)
    return violations


def _assert_no_csp(driver: WebDriver, site: Site, where: str) -> None:
    """No CSP violation at all (pages without hostile data)."""
    messages = _csp_messages(site, driver)
    assert messages == [], (where, messages)
    probe: dict[str, Any] = driver.execute_script("return window.__probe")
    assert probe["csp"] == [], (where, probe["csp"])
    _no_alert(driver, where)


def _reveal_all(driver: WebDriver) -> dict[str, tuple[str, str]]:
    """Click every "show" button of the triage page; returns what each revealed item shows
    (ref -> (text, display name))."""
    items = driver.find_elements(By.CSS_SELECTOR, "li.item")
    for n, item in enumerate(items, 1):
        ref = item.get_attribute("data-ref")
        item.find_element(By.CSS_SELECTOR, "button.reveal").click()
        try:
            _wait(driver, 10).until(
                EC.presence_of_element_located((By.CSS_SELECTOR, f"#text-{n} .revealed"))
            )
        except TimeoutException:
            _no_alert(driver, f"revealing {ref}")
            problems = driver.execute_script(DOM_CHECK)
            pytest.fail(
                f"{ref} was not shown; now at {driver.current_url}, holding {problems[:10]}"
            )
    shown: list[list[str]] = driver.execute_script(
        """return Array.from(document.querySelectorAll("li.item")).map((li) => [
             li.dataset.ref,
             li.querySelector(".revealed .body").textContent,
             (li.querySelector(".revealed .name") || {textContent: ""}).textContent]);"""
    )
    return {ref: (text, name) for ref, text, name in shown}


def _as_parsed(text: str) -> str:
    """``text`` as an HTML parser keeps it in a text node (CR LF -> LF, NUL dropped)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _download(driver: WebDriver, folder: Path, suffix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/dossier']")
    Select(form.find_element(By.NAME, "format")).select_by_value(suffix)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    def finished(_: WebDriver) -> Path | None:
        done = [p for p in folder.iterdir() if p.suffix == f".{suffix}"]
        partial = [p for p in folder.iterdir() if p.suffix == ".crdownload"]
        return done[0] if done and not partial else None

    found = _wait(driver, 120).until(finished)
    assert found is not None
    return found


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=fr-FR",
        "--disable-gpu",
        "--no-first-run",
    ):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": "fr-FR,fr",
            "plugins.always_open_pdf_externally": True,
        },
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.set_capability("unhandledPromptBehavior", "ignore")
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        browser.set_script_timeout(60)
        browser.set_page_load_timeout(60)
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
        _viewport(browser, *VIEWPORTS["desktop"])
        yield browser
    finally:
        browser.quit()


#: Case alice of the flows: 24 messages, each text told apart by its number.
FLOW_TEXTS = [f"{TEXTS[i % len(TEXTS)]} (n°{i:03d})" for i in range(24)]
#: The first bytes of a PNG file (enough for its media type).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def flows(driver: WebDriver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Ordinary cases: alice (24 messages, users of every role) and bob."""
    folder = tmp_path_factory.mktemp("flows")
    alice = build_case(folder, "alice", texts=FLOW_TEXTS)
    ws = Workspace([alice, build_case(folder, "bob", messages=4)])
    with serving(ws) as base:
        yield Site(base, alice, _stored(alice))
        driver.get("about:blank")  # ends the live-alert stream before the server stops


def _hostile_extras(path: Path, folder: Path) -> None:
    """Accounts with hostile handles (a few messages each), raid findings about them (an
    episode, ban evasion, an impersonator, the coordination graph) and an incident, all with
    hostile words in them."""
    n = len(PAYLOADS)
    lines = []
    for i, handle in enumerate(HOSTILE_HANDLES):
        uid = str(3000 + i)
        author = {**user(uid, handle), "name": PAYLOADS[-1 - i], "description": PAYLOADS[i]}
        for k in range(3):
            when = T0 + timedelta(hours=2, seconds=20 * i + k)
            text = f"@alice {PAYLOADS[(7 * i + k) % n]}"
            lines.append(
                page([tweet(str(9000 + 10 * i + k), text, author=uid, when=when)], [author])
            )
    data = folder / "hostile-accounts.jsonl"
    data.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    ids = [str(3000 + i) for i in range(len(HOSTILE_HANDLES))]
    findings = {  # what a raid analysis would have found, with hostile words in it
        "episodes": [
            {
                "start": "2026-03-01T12:00:00Z",
                "end": "2026-03-01T18:00:00Z",
                "kind": PAYLOADS[0],
                "messages": 40,
                "authors": ids[:3],
            }
        ],
        "evasion_links": [
            {"from": a, "to": b, "score": 0.9, "evidence": [PAYLOADS[10 + i], "\u202eevidence"]}
            for i, (a, b) in enumerate(zip(ids, ids[1:4]))
        ],
        "impersonators": [
            {"account_id": ids[4], "target": PAYLOADS[20], "score": 0.8, "evidence": [PAYLOADS[21]]}
        ],
        "coordination_edges": [
            {"a": a, "b": b, "weight": 1 + (i + j) % 3}
            for i, a in enumerate(ids)
            for j, b in enumerate(ids)
            if i < j and (i + j) % 2
        ],
    }
    case = rc.open_case(path)
    try:
        rc.ingest(case, [data])
        rc.score(case)
        case.store.put_findings("2026-03-02T12:00:00Z", findings)
        rc.add_incident(
            case,
            "2026-03-02T10:00",
            f"devant la porte \u202e{PAYLOADS[1]}",
            f"\u202eenimda {PAYLOADS[0]} {{{{7*7}}}}",
            [
                ("facture\u202efdp.exe", b"MZ" + b"\x00" * 16),
                (f"<img src=x onerror={JS}>.png", PNG),
            ],
            via="test",
        )
    finally:
        case.close()


@pytest.fixture(scope="module")
def hostile(driver: WebDriver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Case alice full of hostile texts: every payload is a message's text, an author's
    display name, a bio and a profile URL; some are handles, an incident, its files' names."""
    folder = tmp_path_factory.mktemp("hostile")
    alice = build_case(
        folder,
        "alice",
        messages=max(240, len(PAYLOADS)),
        texts=PAYLOADS,
        names=PAYLOADS[1:] + PAYLOADS[:1],
        bios=PAYLOADS[2:] + PAYLOADS[:2],
        urls=[f"javascript:{JS}", f"data:text/html,<script>{JS}</script>", *PAYLOADS[3:]],
    )
    _hostile_extras(alice, folder)
    ws = Workspace([alice, build_case(folder, "bob", messages=4)])
    with serving(ws) as base:
        yield Site(base, alice, _stored(alice))
        driver.get("about:blank")


# --------------------------------------------------------------------------- flows
def test_owner_reveals_labels_records_an_incident_and_downloads_the_court_file(
    driver: WebDriver, flows: Site, tmp_path: Path
) -> None:
    _sign_in(driver, flows, "owner@example.org")
    links = [a.get_attribute("href") or "" for a in driver.find_elements(By.CSS_SELECTOR, "main a")]
    assert {urlparse(h).path for h in links} == {"/cases/alice"}
    _assert_no_csp(driver, flows, "cases")

    # the triage queue: no text in the page until one is asked for
    _go(driver, flows.base + "/cases/alice/triage")
    items = driver.find_elements(By.CSS_SELECTOR, "li.item")
    assert len(items) == len(FLOW_TEXTS) == len(flows.stored)
    source = driver.page_source
    assert "(n°" not in source
    assert not [t for t, _ in flows.stored.values() if t in source]
    shown = items[0].get_attribute("data-ref") or ""
    button = items[0].find_element(By.CSS_SELECTOR, "button.reveal")
    assert button.text in ("Afficher", "Show")
    button.click()
    body = _wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, "#text-1 .revealed .body"))
    )
    assert body.text == flows.stored[shown][0]
    assert items[0].find_element(By.CSS_SELECTOR, ".revealed .name").text
    source = driver.page_source
    assert flows.stored[shown][0] in source
    assert [t for r, (t, _) in flows.stored.items() if t in source] == [flows.stored[shown][0]]
    assert driver.find_elements(By.CSS_SELECTOR, "#text-2 button.reveal")  # the rest stays hidden
    _assert_no_csp(driver, flows, "triage, one text shown")
    _shoot(driver, "triage-revealed")

    # correct a label with the bulk form: "support"? no
    target = items[1].get_attribute("data-ref") or ""
    items[1].find_element(By.CSS_SELECTOR, "input[type=checkbox][name=ref]").click()
    Select(driver.find_element(By.ID, "category")).select_by_value("support")
    driver.find_element(By.CSS_SELECTOR, "input[type=radio][name=value][value='0']").click()
    driver.find_element(
        By.XPATH, "//fieldset/button[normalize-space()='Appliquer' or normalize-space()='Apply']"
    ).click()
    _wait(driver).until(lambda d: "done=" in d.current_url)
    assert "1 " in driver.find_element(By.CSS_SELECTOR, "main p.ok[role=status]").text
    _assert_no_csp(driver, flows, "triage, labelled")
    answer = _fetch(driver, "/api/cases/alice/messages?limit=500")
    assert answer["status"] == 200
    human = {i["ref"]: i["human_labels"] for i in orjson.loads(answer["body"])["items"]}
    assert human[target] == {"support": 0}
    assert not [r for r, labels in human.items() if labels and r != target]
    case = rc.open_case(flows.alice)
    try:
        stored = [
            (f"{h.platform}:{h.id}", h.category, h.value, h.author) for h in case.store.labels()
        ]
    finally:
        case.close()
    assert stored == [(target, "support", 0, "owner@example.org")]

    # record an incident with an attachment
    _go(driver, flows.base + "/cases/alice/reports")
    attachment = tmp_path / "capture-porte.png"
    attachment.write_bytes(PNG + b"porte")
    driver.find_element(By.ID, "when").send_keys("2026-03-04T21:30")
    driver.find_element(By.ID, "where").send_keys("Devant mon domicile")
    driver.find_element(By.ID, "what").send_keys("Un inconnu a sonné trois fois et laissé un mot.")
    driver.find_element(By.ID, "files").send_keys(str(attachment))
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/incidents']")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(driver).until(lambda d: "recorded=" in d.current_url)
    assert "1" in driver.find_element(By.CSS_SELECTOR, "main p.ok[role=status]").text
    listed = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "main ol li")]
    assert [t for t in listed if "Un inconnu a sonné" in t and "capture-porte.png" in t], listed
    _assert_no_csp(driver, flows, "reports, incident recorded")
    _shoot(driver, "reports-recorded")
    case = rc.open_case(flows.alice)
    try:
        (incident,) = rc.incidents(case, record=False)
    finally:
        case.close()
    assert incident.where == "Devant mon domicile"
    assert incident.recorded_by == "owner@example.org"
    assert [(a.name, a.sha256) for a in incident.attachments] == [
        ("capture-porte.png", hashlib.sha256(attachment.read_bytes()).hexdigest())
    ]

    # download the court file, PDF then HTML
    pdf = _download(driver, tmp_path / "pdf", "pdf")
    assert pdf.name.startswith("dossier-")
    assert pdf.read_bytes().startswith(b"%PDF-")
    html = _download(driver, tmp_path / "html", "html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and "</html>" in html.lower()
    assert "Un inconnu a sonné" in html  # the incident is in the court file
    _assert_no_csp(driver, flows, "reports, downloads")


def test_a_helper_cannot_export(driver: WebDriver, flows: Site) -> None:
    _sign_in(driver, flows, "helper@example.org")
    _go(driver, flows.base + "/cases/alice/reports")
    assert not driver.find_elements(By.CSS_SELECTOR, "form[action$='/dossier']")
    assert not driver.find_elements(By.CSS_SELECTOR, "form[action$='/bundle']")
    assert driver.find_elements(By.CSS_SELECTOR, "form[action$='/incidents']")
    _shoot(driver, "reports-helper")
    exports = flows.alice / "exports"
    before = sorted(exports.iterdir()) if exports.exists() else []
    token = _csrf(driver)
    for path in ("/cases/alice/dossier", "/cases/alice/bundle"):
        answer = _fetch(driver, path, "POST", [["csrf", token], ["format", "pdf"]])
        assert answer["status"] == 403, (path, answer)
    assert (sorted(exports.iterdir()) if exports.exists() else []) == before
    # the same session and token do what a helper may do
    ref = sorted(flows.stored)[0]
    answer = _fetch(
        driver,
        "/cases/alice/labels",
        "POST",
        [["csrf", token], ["ref", ref], ["category", "insult"], ["value", "1"]],
    )
    assert answer["status"] == 200 and "/cases/alice/triage" in answer["url"], answer


def test_a_viewer_cannot_label(driver: WebDriver, flows: Site) -> None:
    _sign_in(driver, flows, "viewer@example.org")
    _go(driver, flows.base + "/cases/alice/triage")
    assert driver.find_elements(By.CSS_SELECTOR, "li.item button.reveal")
    assert not driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name=ref]")
    assert not driver.find_elements(By.ID, "category")
    assert not driver.find_elements(By.CSS_SELECTOR, "input[type=radio]")
    _shoot(driver, "triage-viewer")

    def labels() -> list[tuple[str, str, str, int]]:
        case = rc.open_case(flows.alice)
        try:
            return [(h.platform, h.id, h.category, h.value) for h in case.store.labels()]
        finally:
            case.close()

    before = labels()
    token = _csrf(driver)
    ref = sorted(flows.stored)[-1]
    answer = _fetch(
        driver,
        "/cases/alice/labels",
        "POST",
        [["csrf", token], ["ref", ref], ["category", "threat"], ["value", "0"]],
    )
    assert answer["status"] == 403, answer
    assert labels() == before
    # the token is good: a viewer may check the evidence
    assert _fetch(driver, "/cases/alice/verify", "POST", [["csrf", token]])["status"] == 200
    _go(driver, flows.base + "/cases/alice/reports")
    assert not driver.find_elements(By.CSS_SELECTOR, "form[action$='/incidents']")
    assert not driver.find_elements(By.CSS_SELECTOR, "form[action$='/dossier']")


def test_someone_from_another_case_gets_a_404(driver: WebDriver, flows: Site) -> None:
    _sign_in(driver, flows, "other@example.org")
    hrefs = {
        urlparse(a.get_attribute("href") or "").path
        for a in driver.find_elements(By.CSS_SELECTOR, "main a")
    }
    assert hrefs == {"/cases/bob"}
    _go(driver, flows.base + "/cases/alice")
    assert driver.find_element(By.TAG_NAME, "h1").text in ("Erreur", "Error")
    assert "no such case" in driver.find_element(By.CSS_SELECTOR, "main .error").text
    assert "(n°" not in driver.page_source
    _shoot(driver, "error-404")
    for path in ("/cases/alice", "/cases/alice/triage", "/api/cases/alice/messages"):
        assert _fetch(driver, path)["status"] == 404, path


# --------------------------------------------------------------------------- hostile texts
def test_hostile_texts_are_shown_never_run(driver: WebDriver, hostile: Site) -> None:
    assert len(PAYLOADS) >= 200
    texts = {t for t, _ in hostile.stored.values()}
    kept = [p for p in PAYLOADS if p in texts]
    assert len(kept) >= 0.8 * len(PAYLOADS), "the payloads did not reach the case as written"
    assert f"<script>{JS}</script>" in texts and "{{7*7}}" in texts

    _sign_in(driver, hostile, "owner@example.org")
    blocked: list[dict[str, Any]] = []
    for path in (
        "/",
        "/cases/alice",
        "/cases/alice/authors",
        "/cases/alice/evidence",
        "/cases/alice/reports",
    ):
        _go(driver, hostile.base + path)
        blocked += _assert_clean(driver, hostile, path)
    # the accounts: hostile handles and names shown as text, the graph drawn
    _go(driver, hostile.base + "/cases/alice/authors")
    authors = driver.find_element(By.TAG_NAME, "main").text
    assert "{{7*7}}" in authors and f"<img src=x onerror={JS}>" in authors
    assert PAYLOADS[20] in authors and PAYLOADS[21] in authors  # the impersonator's row
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('figure.chart svg text'))"
        ".map((t) => t.textContent)"
    )
    assert len(labels) == len(HOSTILE_HANDLES), labels  # the coordination graph, named
    assert not [x for x in labels if not any(h.startswith(x) for h in HOSTILE_HANDLES)], labels
    _shoot(driver, "hostile-authors")
    # the incident: hostile texts and file names shown as text
    _go(driver, hostile.base + "/cases/alice/reports")
    _shoot(driver, "hostile-reports")
    incident = driver.execute_script("return document.querySelector('main ol li').textContent")
    assert PAYLOADS[0] in incident and "{{7*7}}" in incident and "49" not in incident
    assert f"<img src=x onerror={JS}>.png" in incident
    # the evidence page after a check
    _go(driver, hostile.base + "/cases/alice/evidence")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/verify'] button").click()
    _wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "main [role=status], main [role=alert]"))
    )
    blocked += _assert_clean(driver, hostile, "evidence, checked")

    # every page of the queue, every text shown by clicking
    revealed: dict[str, tuple[str, str]] = {}
    _go(driver, hostile.base + "/cases/alice/triage")
    pages = 0
    while True:
        pages += 1
        where = f"triage page {pages}"
        blocked += _assert_clean(driver, hostile, where)
        revealed.update(_reveal_all(driver))
        blocked += _assert_clean(driver, hostile, where + ", every text shown")
        if pages == 1:
            _shoot(driver, "hostile-triage-revealed")
        following = [
            a
            for a in driver.find_elements(By.CSS_SELECTOR, "nav.pages a")
            if a.text in ("Suivants", "Next")
        ]
        if not following:
            break
        old = driver.find_element(By.TAG_NAME, "html")
        following[0].click()
        _wait(driver).until(EC.staleness_of(old))
        _wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert pages >= 5
    assert set(revealed) == set(hostile.stored)
    wrong = {
        ref: (shown, hostile.stored[ref])
        for ref, shown in revealed.items()
        if shown != (_as_parsed(hostile.stored[ref][0]), _as_parsed(hostile.stored[ref][1]))
    }
    assert not wrong, list(wrong.items())[:5]
    # template syntax stays literal: "{{7*7}}" is shown as such, never as 49
    templated = {r: t for r, (t, _) in revealed.items() if TEMPLATE_MARK in t}
    assert len(templated) >= 10
    assert not [t for t in templated.values() if "49" in t]
    assert [t for t in templated.values() if "{{7*7}}" in t]

    # a text on a page of its own (no htmx: parsed as a whole document)
    token = _csrf(driver)
    alone = [
        r for r, (t, _) in hostile.stored.items() if "<script" in t.lower() or "<svg" in t.lower()
    ]
    assert len(alone) >= 20
    for ref in alone:
        _submit(driver, hostile.base + "/cases/alice/reveal", [["csrf", token], ["ref", ref]])
        blocked += _assert_clean(driver, hostile, f"message {ref}")
        body = driver.execute_script("return document.querySelector('.revealed .body').textContent")
        assert body == _as_parsed(hostile.stored[ref][0])

    # payloads in query strings and forms come back as text in notices and error pages
    for payload in REFLECTED:
        q = quote(payload, safe="")
        for path in (
            f"/cases/alice/triage?done={q}",
            f"/cases/alice/reports?recorded={q}",
            f"/cases/alice/triage?min_severity={q}",
            f"/cases/{q}",
            f"/cases/alice/triage?offset={q}",
        ):
            _go(driver, hostile.base + path)
            blocked += _assert_clean(driver, hostile, path)
        _go(driver, hostile.base + f"/cases/alice/triage?done={q}")
        notice = driver.execute_script("return document.querySelector('main p.ok').textContent")
        assert _as_parsed(payload) in notice
        _submit(driver, hostile.base + "/cases/alice/reveal", [["csrf", token], ["ref", payload]])
        blocked += _assert_clean(driver, hostile, f"reveal of {payload!r}")
    # what the CSP blocked came from payloads (ours failed the page above): it would mean
    # markup got through the escaping, which the checks of each page tell on their own
    if blocked:
        warnings.warn(f"the CSP blocked {len(blocked)} things, e.g. {blocked[:3]}", stacklevel=1)


# --------------------------------------------------------------------------- accessibility
#: axe-core 3.1 (shipped by axe-selenium-python) with every rule but two that axe-core 4.0
#: removed as wrong: they take checkboxes of the same name in different forms (the court
#: file's and the notices' "only the selected messages") for one ungrouped group.
AXE_OPTIONS = orjson.dumps(
    {"rules": {"checkboxgroup": {"enabled": False}, "radiogroup": {"enabled": False}}}
).decode()


def _audit(driver: WebDriver, site: Site, name: str, failures: list[str]) -> None:
    """No CSP violation; axe-core finds nothing serious or critical; screenshots taken."""
    _assert_no_csp(driver, site, name)
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options=AXE_OPTIONS)
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        failures.append(f"{name}: {axe.report(bad)}")
    _shoot(driver, name)


def test_every_page_is_accessible(driver: WebDriver, flows: Site) -> None:
    failures: list[str] = []
    _go(driver, flows.base + "/login")
    driver.delete_all_cookies()
    _go(driver, flows.base + "/login")
    _audit(driver, flows, "login", failures)
    driver.find_element(By.ID, "email").send_keys("nobody@example.org")
    driver.find_element(By.ID, "password").send_keys("not the password")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main .error")))
    _audit(driver, flows, "login-refused", failures)
    _sign_in(driver, flows, "owner@example.org")
    for name, path in (
        ("cases", "/"),
        ("overview", "/cases/alice"),
        ("triage", "/cases/alice/triage"),
        ("authors", "/cases/alice/authors"),
        ("evidence", "/cases/alice/evidence"),
        ("reports", "/cases/alice/reports"),
        ("error", "/cases/nope"),
    ):
        _go(driver, flows.base + path)
        _audit(driver, flows, name, failures)
    _go(driver, flows.base + "/cases/alice/triage")
    driver.find_element(By.CSS_SELECTOR, "#text-1 button.reveal").click()
    _wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#text-1 .revealed")))
    _audit(driver, flows, "triage-one-shown", failures)
    ref = driver.find_element(By.CSS_SELECTOR, "li.item").get_attribute("data-ref") or ""
    _submit(driver, flows.base + "/cases/alice/reveal", [["csrf", _csrf(driver)], ["ref", ref]])
    _audit(driver, flows, "message", failures)
    _go(driver, flows.base + "/cases/alice/evidence")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/verify'] button").click()
    _wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main p.ok")))
    _audit(driver, flows, "evidence-checked", failures)
    _go(driver, flows.base + "/?lang=en")
    _audit(driver, flows, "cases-english", failures)
    _go(driver, flows.base + "/?lang=fr")
    assert not failures, "\n".join(failures)
