"""A Python port of three awesome-lint rules, to check `mlsd export --style awesome` output.

    python benchmarks/awesome_lint.py FILE.md [FILE.md ...]   # findings; exit 1 if any
    python benchmarks/awesome_lint.py --real NODE_DIR FILE.md ... # compare with awesome-lint

Ported from awesome-lint 2.3.0 (npm; github.com/sindresorhus/awesome-lint), whose rules run on
remark's mdast tree:

- ``no-repeat-item-in-description``: ``rules/no-repeat-item-in-description.js``
- ``awesome-toc``: ``rules/toc.js``
- ``double-link``: ``rules/double-link.js`` with the options ``rules/index.js`` gives it
  (``shouldIgnore: createAwesomeListIgnore``: links after the first one of a list item's first
  paragraph are description links and not checked), URLs compared after ``normalize-url``
  with ``stripProtocol``, ``stripHash: false`` and ``removeDirectoryIndex: [/^index\\.[a-z]+$/]``.

The tree here is built from markdown-it-py tokens into the same node types (``root``,
``heading``, ``paragraph``, ``list``, ``listItem``, ``link``, ``image``, ``text``,
``inlineCode``, ``emphasis``, ``strong``, ``delete``, ``html``, ``code``, ``table``...), and
``to_string`` is ``mdast-util-to-string``. Known differences from remark: reference-style
links are ``link`` nodes here (remark's ``linkReference`` is not checked by double-link); GFM
bare-URL autolinks are recognised for ``http(s)://`` and ``www.`` only; JavaScript's UTF-16
string lengths are not imitated. ``tests/test_awesome_lint_port.py`` pins each rule with
passing and failing examples.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from markdown_it import MarkdownIt

RULES = ("no-repeat-item-in-description", "awesome-toc", "double-link")


@dataclass
class Node:
    type: str
    children: list[Node] = field(default_factory=list)
    value: str | None = None
    url: str | None = None
    alt: str | None = None
    depth: int = 0
    line: int = 0


@dataclass(frozen=True)
class Finding:
    rule: str
    line: int
    message: str


# ----------------------------------------------------------------- markdown -> mdast

_BLOCKS = {
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "list_item_open": "listItem",
    "blockquote_open": "blockquote",
    "table_open": "table",
    "thead_open": "tableHead",
    "tbody_open": "tableBody",
    "tr_open": "tableRow",
    "th_open": "tableCell",
    "td_open": "tableCell",
}
_INLINE = {"em_open": "emphasis", "strong_open": "strong", "s_open": "delete", "link_open": "link"}
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<]*[^\s<?!.,:;*_~'\")\]]")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # remark keeps a link's destination as written (escapes and entities decoded, nothing
    # percent-encoded) and makes a link of any scheme: so do we.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _add_text(parent: Node, text: str, line: int) -> None:
    """Text, with GFM's bare-URL autolinks (remark-gfm) made links; adjacent texts merged."""
    pos = 0
    for m in _BARE_URL.finditer(text):
        if m.start() > pos:
            _add_text_plain(parent, text[pos : m.start()], line)
        url = m.group(0) if m.group(0).startswith("http") else "http://" + m.group(0)
        parent.children.append(Node("link", [Node("text", value=m.group(0))], url=url, line=line))
        pos = m.end()
    if pos < len(text):
        _add_text_plain(parent, text[pos:], line)


def _add_text_plain(parent: Node, text: str, line: int) -> None:
    if parent.children and parent.children[-1].type == "text":
        parent.children[-1].value = (parent.children[-1].value or "") + text
    else:
        parent.children.append(Node("text", value=text, line=line))


def _inline(parent: Node, tokens: list[Any], line: int) -> None:
    stack = [parent]
    for tok in tokens:
        top = stack[-1]
        if tok.type in _INLINE:
            node = Node(_INLINE[tok.type], url=tok.attrs.get("href") if tok.attrs else None)
            node.line = line
            top.children.append(node)
            stack.append(node)
        elif tok.type.endswith("_close"):
            stack.pop()
        elif tok.type == "text":
            if top.type == "link":
                _add_text_plain(top, tok.content, line)
            else:
                _add_text(top, tok.content, line)
        elif tok.type in ("softbreak",):
            _add_text_plain(top, "\n", line)
        elif tok.type == "hardbreak":
            top.children.append(Node("break", line=line))
        elif tok.type == "code_inline":
            top.children.append(Node("inlineCode", value=tok.content, line=line))
        elif tok.type == "html_inline":
            top.children.append(Node("html", value=tok.content, line=line))
        elif tok.type == "image":
            alt = "".join(c.content for c in tok.children or [])
            src = tok.attrs.get("src") if tok.attrs else None
            top.children.append(Node("image", url=str(src), alt=alt, line=line))


def parse(text: str) -> Node:
    root = Node("root")
    stack = [root]
    for tok in _parser().parse(text):
        line = tok.map[0] + 1 if tok.map else stack[-1].line
        if tok.type in _BLOCKS:
            node = Node(_BLOCKS[tok.type], line=line)
            stack[-1].children.append(node)
            stack.append(node)
        elif tok.type == "heading_open":
            node = Node("heading", depth=int(tok.tag[1]), line=line)
            stack[-1].children.append(node)
            stack.append(node)
        elif tok.type.endswith("_close"):
            stack.pop()
        elif tok.type == "inline":
            _inline(stack[-1], tok.children or [], line)
        elif tok.type == "html_block":
            stack[-1].children.append(Node("html", value=tok.content.rstrip("\n"), line=line))
        elif tok.type in ("fence", "code_block"):
            stack[-1].children.append(Node("code", value=tok.content, line=line))
        elif tok.type == "hr":
            stack[-1].children.append(Node("thematicBreak", line=line))
    return root


def to_string(node: Node) -> str:
    """mdast-util-to-string (includeImageAlt and includeHtml on, as by default)."""
    if node.type == "image":
        return node.alt or ""
    if node.value is not None:
        return node.value
    return "".join(to_string(c) for c in node.children)


def walk(node: Node) -> list[Node]:
    """Every node, pre-order (unist-util-visit's order)."""
    out = [node]
    for child in node.children:
        out.extend(walk(child))
    return out


def find(node: Node, kind: str) -> Node | None:
    return next((n for n in walk(node) if n.type == kind), None)


# ----------------------------------------------------------------- no-repeat-item-in-description

_WORD_BOUNDARY = re.compile(r"^[\s.,!?:-]")
_SEPARATOR = " - "


def _is_blank_text(node: Node) -> bool:
    return node.type == "text" and not (node.value or "").strip()


def _main_link(children: list[Node]) -> int:
    """findMainLink: the first link that is no badge (holds an image, or is followed by a link)."""
    for i, child in enumerate(children):
        if child.type != "link":
            continue
        after = next((n for n in children[i + 1 :] if not _is_blank_text(n)), None)
        has_image = any(n.type == "image" for n in child.children)
        if not (has_image or (after is not None and after.type == "link")):
            return i
    return -1


def _separator_index(nodes: list[Node]) -> int:
    for i, node in enumerate(nodes):
        if node.type == "text" and _SEPARATOR in (node.value or ""):
            return i
        if node.type not in ("emphasis", "strong", "inlineCode") and not _is_blank_text(node):
            return -1
    return -1


def no_repeat_item_in_description(root: Node) -> list[Finding]:
    findings = []
    for item in (n for n in walk(root) if n.type == "listItem"):
        paragraph = next((c for c in item.children if c.type == "paragraph"), None)
        if paragraph is None or not paragraph.children:
            continue
        index = _main_link(paragraph.children)
        if index < 0:
            continue
        link = paragraph.children[index]
        name = to_string(link)
        if not name:
            continue
        after = paragraph.children[index + 1 :]
        sep = _separator_index(after)
        if sep < 0:
            continue
        parts = (after[sep].value or "").split(_SEPARATOR)
        if len(parts) < 2:
            continue
        description = (
            _SEPARATOR.join(parts[1:]) + "".join(to_string(n) for n in after[sep + 1 :])
        ).strip()
        if not description:
            continue
        if description.lower().startswith(name.lower()):
            rest = description[len(name) :]
            if not rest or _WORD_BOUNDARY.match(rest):
                findings.append(
                    Finding(
                        RULES[0],
                        link.line,
                        f'List item description should not start with the item name "{name}"',
                    )
                )
    return findings


# ----------------------------------------------------------------- awesome-toc

_MAX_LIST_ITEM_DEPTH = 1
_DENYLIST = {"Contributing", "Footnotes", "Related Lists"}


class Slugger:
    """github-slugger 2: lower-case, drop what is not a letter, mark, number, `_`, `-` or space."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    @staticmethod
    def _base(value: str) -> str:
        kept = (
            c
            for c in value.lower()
            if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc"
        )
        return "".join(kept).replace(" ", "-")

    def slug(self, value: str) -> str:
        result = original = self._base(value)
        while result in self.occurrences:
            self.occurrences[original] += 1
            result = f"{original}-{self.occurrences[original]}"
        self.occurrences[result] = 0
        return result


def _between(root: Node, start: Node, end: Node | None, kind: str, depth: int = 0) -> list[Node]:
    """unist-util-find-all-between/-after: the root's children strictly after ``start``."""
    kids = root.children
    lo = kids.index(start) + 1
    hi = kids.index(end) if end is not None else len(kids)
    return [n for n in kids[lo:hi] if n.type == kind and (not depth or n.depth == depth)]


def _before(root: Node, node: Node, kind: str, depth: int = 0) -> list[Node]:
    kids = root.children
    return [
        n for n in kids[: kids.index(node)] if n.type == kind and (not depth or n.depth == depth)
    ]


def awesome_toc(root: Node) -> list[Finding]:
    findings: list[Finding] = []

    def say(node: Node, message: str) -> None:
        findings.append(Finding(RULES[1], node.line, message))

    slugger = Slugger()
    heading_links: dict[str, Node | bool] = {}
    for heading in (n for n in walk(root) if n.type == "heading"):
        text = to_string(heading).replace("\ufe0f", "")
        heading_links[f"#{slugger.slug(text)}"] = heading
    toc = next(
        (
            n
            for n in walk(root)
            if n.type == "heading"
            and n.depth == 2
            and re.sub(r"<!--.*?-->", "", to_string(n)).strip() == "Contents"
        ),
        None,
    )
    if toc is None or toc not in root.children:
        return findings  # the Table of Contents is optional in 2.3.0
    pre = _before(root, toc, "heading")
    if len(pre) > 1:
        say(toc, "Table of Contents must be the first section")
    elif not pre and not _before(root, toc, "html"):
        say(toc, "First heading should be name of awesome list")
    post = [n for n in _between(root, toc, None, "heading", 2) if to_string(n) not in _DENYLIST]
    if not post:
        say(root, "Missing content headers")
        return findings
    lists = _between(root, toc, post[0], "list")
    if not lists:
        say(toc, "Missing or invalid Table of Contents list")
    elif len(lists) > 1:
        say(toc, "Multiple Table of Contents lists found")
    else:
        _toc_items(root, lists[0], heading_links, post, 0, say)
    return findings


def _under_denied(root: Node, heading: Node) -> bool:
    parents = _before(root, heading, "heading", 2)
    return bool(parents) and to_string(parents[-1]) in _DENYLIST


def _toc_items(
    root: Node,
    toc_list: Node,
    heading_links: dict[str, Node | bool],
    headings: list[Node],
    depth: int,
    say: Any,
) -> None:
    index = 0
    for index, item in enumerate(toc_list.children):
        link = find(item, "link")
        if link is None:
            say(item, f'ToC item "{index}" missing link "{to_string(item)}"')
            return
        url, text = link.url or "", to_string(link)
        heading = headings[index] if index < len(headings) else None
        heading_text = to_string(heading) if heading is not None else ""
        if not text:
            say(item, f'ToC item "{url}" missing link text')
            return
        if not heading_text:
            if text in _DENYLIST:
                say(item, f'ToC should not contain section "{text}"')
            else:
                say(item, f'ToC item "{text}" missing corresponding heading')
            return
        if text != heading_text:
            say(item, f'ToC item "{text}" does not match corresponding heading "{heading_text}"')
            return
        target = heading_links.get(url)
        if target:
            heading_links[url] = False
        elif target is None:
            say(item, f'ToC item "{text}" link "{url}" not found')
            return
        else:
            say(item, f'ToC item "{text}" has duplicate link "{url}"')
            return
        sub = find(item, "list")
        if sub is not None:
            if depth < _MAX_LIST_ITEM_DEPTH:
                assert heading is not None
                nxt = headings[index + 1] if index + 1 < len(headings) else None
                subs = [
                    h
                    for h in _between(root, heading, nxt, "heading", depth + 3)
                    if not _under_denied(root, h)
                ]
                _toc_items(root, sub, heading_links, subs, depth + 1, say)
            else:
                say(item, f"Exceeded max depth of {_MAX_LIST_ITEM_DEPTH + 1} levels")
    else:
        index = len(toc_list.children)
    for heading in headings[index:]:
        say(toc_list, f'ToC missing item for "{to_string(heading)}"')


# ----------------------------------------------------------------- double-link

_TRACKING = re.compile(r"^utm_\w+", re.IGNORECASE)
_WWW = re.compile(r"^www\.(?!www\.)[a-z\-\d]{1,63}\.[a-z.\-\d]{2,63}$")
_DIRECTORY_INDEX = re.compile(r"^index\.[a-z]+$")


def normalize_url(url: str) -> str:
    """normalize-url 8 with double-link's options (stripProtocol, keep the hash)."""
    if url.startswith("#"):
        return url
    raw = url.strip()
    if re.match(r"^\.*/", raw) and not raw.startswith("//"):
        return url  # a relative path: normalize-url throws, the rule keeps the URL
    if raw.startswith("//"):
        raw = "https:" + raw
    elif not re.match(r"^[a-z][a-z\d+.-]*:", raw, re.IGNORECASE):
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.rstrip(".")
    host = host[4:] if _WWW.match(host) else host
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = re.sub(r"/{2,}", "/", parts.path)
    path = quote(unquote(path), safe="/%:@!$&'()*+,;=-._~")  # decodeURI, then URL's encoding
    segments = path.split("/")
    if segments and _DIRECTORY_INDEX.match(segments[-1]):
        path = "/".join(segments[:-1]) + "/"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    fragment = parts.fragment.split(":~:text=")[0] if ":~:" in parts.fragment else parts.fragment
    path = path.rstrip("/")
    out = urlunsplit(("", host + port, path, urlencode(query), fragment))
    return out.removeprefix("//")


def _description_links(root: Node) -> set[int]:
    """createAwesomeListIgnore: links after a list item's main link, in its first paragraph."""
    ignored: set[int] = set()
    for item in (n for n in walk(root) if n.type == "listItem"):
        if not item.children or item.children[0].type != "paragraph":
            continue
        main_found = False
        kids = item.children[0].children
        for i, child in enumerate(kids):
            if child.type != "link":
                continue
            if not main_found:
                nxt = kids[i + 1] if i + 1 < len(kids) else None
                if nxt is not None and nxt.type == "text" and (nxt.value or "").startswith(" - "):
                    main_found = True
                    continue
                if not any(n.type == "link" for n in kids[:i]):
                    main_found = True
                    continue
            ignored.add(id(child))
    return ignored


def double_link(root: Node) -> list[Finding]:
    ignored = _description_links(root)
    seen: dict[str, list[Node]] = {}
    for link in (n for n in walk(root) if n.type == "link"):
        if id(link) in ignored or link.url is None:
            continue
        seen.setdefault(normalize_url(link.url), []).append(link)
    findings = []
    for nodes in seen.values():
        if len(nodes) > 1:
            findings += [Finding(RULES[2], n.line, f"Duplicate link: {n.url}") for n in nodes]
    return sorted(findings, key=lambda f: f.line)


def lint(text: str) -> list[Finding]:
    root = parse(text)
    return [*no_repeat_item_in_description(root), *awesome_toc(root), *double_link(root)]


def compare_with_real(node_dir: str, names: list[str]) -> int:
    """Run awesome-lint's own three rules (``awesome_lint_rules.mjs``, with awesome-lint
    installed under ``node_dir``) and this port on the same files; print any difference."""
    script = Path(__file__).with_name("awesome_lint_rules.mjs")
    local = Path(node_dir) / script.name
    local.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
    files = [str(Path(n).resolve()) for n in names]
    proc = subprocess.run(
        ["node", str(local), *files], cwd=node_dir, capture_output=True, text=True, check=False
    )
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        return 2
    real = set(proc.stdout.splitlines())
    port = {
        f"{f}:{x.line}: {x.rule}: {x.message}"
        for f in files
        for x in lint(Path(f).read_text(encoding="utf-8"))
    }
    for line in sorted(real - port):
        print(f"only awesome-lint: {line}")
    for line in sorted(port - real):
        print(f"only the port:     {line}")
    print(f"{len(files)} files: awesome-lint {len(real)} findings, the port {len(port)}")
    return 1 if real != port else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--real"] and len(argv) > 2:
        return compare_with_real(argv[1], argv[2:])
    if not argv:
        print(
            "usage: python benchmarks/awesome_lint.py [--real NODE_DIR] FILE.md [FILE.md ...]",
            file=sys.stderr,
        )
        return 2
    found = 0
    for name in argv:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{name}: cannot read: {exc}", file=sys.stderr)
            return 2
        for finding in lint(text):
            found += 1
            print(f"{name}:{finding.line}: {finding.rule}: {finding.message}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
