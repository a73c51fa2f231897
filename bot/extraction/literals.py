"""Cheap pre-checks for regexes: the literal words one of which every match must contain.

Most sentences hold none of the words a pattern needs, and a substring test is far cheaper
than running the pattern, so extraction asks `might_match` before scanning. The literals are
read from the compiled pattern itself, so they cannot drift from it; the check is casefolded
on both sides, so it only ever lets more sentences through than the pattern would match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes (3.11+)
from re import _parser as sre_parse  # type: ignore[attr-defined]

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
MAX_STRINGS = 64
"""The most strings a literal set may hold (a set past it is too weak to be worth checking)."""
MAX_CHECKS = 3
"""Literal sets kept per pattern, the most selective first."""
MAX_CLASS_CHARS = 12
"""The most characters a class may hold to count as literals (digits: ten)."""
MEMO_TOKENS = 50_000
"""Words whose literals a `LiteralIndex` remembers."""


@dataclass(frozen=True, slots=True)
class Gated:
    """The literal sets of a compiled pattern: each match contains one of every set."""

    literal_sets: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> Gated:
        """Read the literal sets of a compiled pattern."""
        return cls(tuple(required_literal_sets(regex)))

    def might_match(self, folded: str) -> bool:
        """Return False only when the pattern cannot match a text (given casefolded)."""
        for literals in self.literal_sets:
            for word in literals:
                if word in folded:
                    break
            else:  # a plain loop: twice as fast as all(any(...)) over generators
                return False
        return True

    def admits(self, present: frozenset[str]) -> bool:
        """Return False only when the pattern cannot match a text with these literals."""
        for literals in self.literal_sets:  # noqa: SIM110 - a plain loop is faster here
            if literals.isdisjoint(present):
                return False
        return True


class LiteralIndex:
    """Find which of many literals (casefolded, without whitespace) a text holds, by its words.

    No literal holds whitespace, so each one found lies inside one whitespace-separated word;
    words repeat from sentence to sentence, so the literals of each are remembered.
    """

    def __init__(self, literals: Iterable[str]) -> None:
        self.literals = frozenset(literals)
        self._sorted = sorted(self.literals)
        self._memo: dict[str, frozenset[str]] = {}

    @classmethod
    def of(cls, gates: Iterable[Gated]) -> LiteralIndex:
        """Return the index of every literal of some patterns."""
        return cls(word for gate in gates for s in gate.literal_sets for word in s)

    def present(self, folded: str) -> frozenset[str]:
        """Return the literals a casefolded text contains."""
        found: set[str] = set()
        for token in set(folded.split()):
            hit = self._memo.get(token)
            if hit is None:
                if len(self._memo) >= MEMO_TOKENS:
                    self._memo.clear()
                hit = frozenset(word for word in self._sorted if word in token)
                self._memo[token] = hit
            found |= hit
        return frozenset(found)


@cache
def gate(regex: re.Pattern[str]) -> Gated:
    """Return the pre-check of a compiled pattern (read once per pattern)."""
    return Gated.of(regex)


def finditer(
    regex: re.Pattern[str], text: str, folded: str | None = None
) -> Iterator[re.Match[str]]:
    """Return `regex.finditer(text)`, skipping the scan when the text lacks its literals."""
    if not gate(regex).might_match(text.casefold() if folded is None else folded):
        return iter(())
    return regex.finditer(text)


def required_literal_sets(regex: re.Pattern[str]) -> list[frozenset[str]]:
    """Return sets of strings (casefolded, without whitespace): each match holds one of each.

    The most selective sets come first; sets of single characters are kept only when there is
    nothing better.
    """
    shape = _Shape.of(sre_parse.parse(regex.pattern, regex.flags))
    sets = [s for s in shape.required if not any(_has_space(word) for word in s)]
    useful = sorted((s for s in sets if min(map(len, s)) >= 2), key=_selectivity, reverse=True)
    if not useful and sets:
        useful = [max(sets, key=_selectivity)]
    return list(dict.fromkeys(useful))[:MAX_CHECKS]


def _has_space(word: str) -> bool:
    return len(word.split()) != 1 or word != word.strip()


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a piece of a pattern can match: its exact strings (if few) and required literals."""

    exact: frozenset[str] | None
    required: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, items: Iterable[tuple[object, object]]) -> _Shape:
        """Read a parsed sequence: products of adjacent exact pieces, and every piece's sets."""
        chain: set[str] | None = {""}
        exact: set[str] | None = {""}
        required: list[frozenset[str]] = []
        for op, arg in items:
            piece, low = _piece(op, arg)
            required.extend(piece.required)
            if piece.exact is None:
                _keep(chain, required)
                chain = exact = None
                continue
            options = set(piece.exact) | ({""} if low == 0 else set())
            single = _is_single(op, arg)
            exact = _product(exact, options) if single else None
            grown = _product(chain, options)
            if not single:  # a repeat: its first and last copies each touch one neighbour
                _keep(grown, required)
                chain = set(options)
            elif grown is None:
                _keep(chain, required)
                chain = set(options) if low >= 1 else None
            else:
                chain = grown
        _keep(chain, required)
        return cls(frozenset(exact) if exact is not None else None, tuple(required))


def _keep(chain: set[str] | None, required: list[frozenset[str]]) -> None:
    """Keep a chain of exact strings as a required set (unless it may match nothing)."""
    if chain and "" not in chain:
        required.append(frozenset(chain))


def _piece(op: object, arg: object) -> tuple[_Shape, int]:
    """Return the shape of one parsed item and how often at least it occurs (0, 1, or 2+)."""
    if op is sre.LITERAL:
        return _Shape(frozenset({chr(arg).casefold()}), ()), 1  # type: ignore[arg-type]
    if op is sre.IN:
        return _Shape(_char_set(arg), ()), 1  # type: ignore[arg-type]
    if op is sre.SUBPATTERN:
        return _Shape.of(arg[-1]), 1  # type: ignore[index]
    if op is sre.ATOMIC_GROUP:
        return _Shape.of(arg), 1  # type: ignore[arg-type]
    if op in _REPEATS:
        low: int
        high: int
        body: list[tuple[object, object]]
        low, high, body = arg  # type: ignore[misc]
        inner = _Shape.of(body)
        if low == 0:
            return _Shape(inner.exact if high == 1 else None, ()), 0
        return _Shape(inner.exact, inner.required), 1
    if op is sre.BRANCH:
        return _branch([_Shape.of(branch) for branch in arg[1]]), 1  # type: ignore[index]
    if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
        return _Shape(frozenset({""}), ()), 1  # zero-width: neighbours stay adjacent
    return _Shape(None, ()), 1


def _is_single(op: object, arg: object) -> bool:
    """Tell whether an item matches once at most (not a repeat of more than one)."""
    return op not in _REPEATS or arg[1] == 1  # type: ignore[index]


def _branch(alternatives: list[_Shape]) -> _Shape:
    """Return the shape of alternatives: exact if all are, required only if all have a set."""
    exact: set[str] | None = set()
    for alternative in alternatives:
        if alternative.exact is None or exact is None:
            exact = None
            break
        exact |= alternative.exact
    frozen = frozenset(exact) if exact is not None and len(exact) <= MAX_STRINGS else None
    best = [_best(alternative) for alternative in alternatives]
    if any(found is None for found in best):
        return _Shape(frozen, ())
    return _Shape(frozen, (frozenset().union(*best),))  # type: ignore[arg-type]


def _best(shape: _Shape) -> frozenset[str] | None:
    """Return the most selective required set of a shape (its exact strings count too)."""
    options = list(shape.required)
    if shape.exact is not None and "" not in shape.exact:
        options.append(shape.exact)
    return max(options, key=_selectivity, default=None)


def _char_set(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """Return the characters of a small character class (casefolded), or None."""
    chars: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            chars.add(chr(arg).casefold())  # type: ignore[arg-type]
        elif op is sre.RANGE and arg[1] - arg[0] < MAX_CLASS_CHARS:  # type: ignore[index]
            chars.update(chr(c).casefold() for c in range(arg[0], arg[1] + 1))  # type: ignore[index]
        elif op is sre.CATEGORY and arg is sre.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:
            return None
    return frozenset(chars) if len(chars) <= MAX_CLASS_CHARS else None


def _product(left: set[str] | None, right: set[str]) -> set[str] | None:
    """Return every left string followed by every right one, or None past `MAX_STRINGS`."""
    if left is None or len(left) * len(right) > MAX_STRINGS:
        return None
    return {a + b for a in left for b in right}


def _selectivity(literals: frozenset[str]) -> tuple[int, int]:
    """Rank literal sets: the shortest member longest first, then the fewest members."""
    return (min(len(word) for word in literals), -len(literals))
