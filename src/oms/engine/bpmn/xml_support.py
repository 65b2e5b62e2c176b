"""XML plumbing for the BPMN parser: namespaces, safe parsing and child lookups."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

XmlElement = etree._Element


class MalformedXml(Exception):
    """The bytes are not a well-formed, acceptable XML document."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_xml(xml: bytes) -> XmlElement:
    """Parse untrusted bytes: no network, no DTD, no entity expansion, no huge-tree mode."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedXml(exc.lineno or None, f"malformed XML: {exc.msg}") from exc
    # A DOCTYPE is never needed by BPMN and is the door for entity tricks: refuse it outright.
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise MalformedXml(1, "malformed XML: a DOCTYPE declaration is not allowed")
    return root


def bpmn(local: str) -> str:
    """The Clark name ``{ns}local`` of a BPMN element, for lxml lookups."""
    return f"{{{BPMN_NS}}}{local}"


def zeebe(local: str) -> str:
    return f"{{{ZEEBE_NS}}}{local}"


def namespace_of(element: XmlElement) -> str:
    return etree.QName(element).namespace or ""


def local_name(element: XmlElement) -> str:
    return etree.QName(element).localname


def child_elements(element: XmlElement) -> Iterator[XmlElement]:
    """Element children only: comments and processing instructions are dropped by the parser."""
    for child in element:
        if isinstance(child.tag, str):
            yield child


def bpmn_children(element: XmlElement) -> Iterator[XmlElement]:
    return (child for child in child_elements(element) if namespace_of(child) == BPMN_NS)


def zeebe_extensions(element: XmlElement, local: str) -> list[XmlElement]:
    """The ``zeebe:<local>`` elements inside the element's ``bpmn:extensionElements``."""
    found: list[XmlElement] = []
    for extension_elements in element.iterchildren(bpmn("extensionElements")):
        found.extend(extension_elements.iterchildren(zeebe(local)))
    return found


def zeebe_extension(element: XmlElement, local: str) -> XmlElement | None:
    found = zeebe_extensions(element, local)
    return found[0] if found else None


def text_of(element: XmlElement) -> str:
    """The element's text content, stripped (BPMN expressions are often pretty-printed)."""
    return "".join(str(text) for text in element.itertext()).strip()


def attribute(element: XmlElement, name: str) -> str | None:
    """An attribute value, with blank values treated as absent (modelers leave ``name=""``)."""
    value = element.get(name)
    if value is None or not value.strip():
        return None
    return value


def line_of(element: XmlElement) -> int | None:
    """lxml's ``sourceline``, typed (the stubs declare it loosely)."""
    line: object = element.sourceline
    return line if isinstance(line, int) else None
