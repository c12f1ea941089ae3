"""Near-duplicate clustering of articles (lightly edited wire copy) with MinHash LSH.

Shingles are lowercase word 5-grams; candidates from datasketch's MinHashLSH are kept only when
their estimated Jaccard similarity reaches the threshold, and clusters are the connected
components of those pairs. The earliest published member is the original (undated members sort
last, ties by id). datasketch is imported on first use: it pulls in scipy, which costs seconds at
import and is not needed by ``enrich()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
# Stored signatures are only comparable under the same permutation scheme: pin it.
SCHEME = "affine32"
SHINGLE_WORDS = 5
_WORDS = re.compile(r"\w+")


def _shingles(text: str) -> set[bytes]:
    words = _WORDS.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def minhash_signature(text: str) -> MinHash:
    """A datasketch MinHash (128 permutations, fixed seed) of the text's word 5-grams."""
    from datasketch import MinHash

    signature = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    signature.update_batch(sorted(_shingles(text)))
    return signature


def cluster(
    docs: Iterable[tuple[str, str, datetime | None]], threshold: float = 0.8
) -> dict[str, tuple[str, bool]]:
    """article_id -> (cluster_id, is_original); the cluster id is the original's article_id."""
    return cluster_signatures(
        (
            (article_id, minhash_signature(text).hashvalues, published_at)
            for article_id, text, published_at in docs
        ),
        threshold=threshold,
    )


def cluster_signatures(
    items: Iterable[tuple[str, Sequence[int], datetime | None]], threshold: float = 0.8
) -> dict[str, tuple[str, bool]]:
    """Cluster stored signatures (MinHash hash values) the way `cluster` clusters texts."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    signatures: dict[str, MinHash] = {}
    published: dict[str, datetime | None] = {}
    for article_id, hashvalues, published_at in items:
        signature = MinHash(
            num_perm=NUM_PERM,
            seed=1,
            scheme=SCHEME,
            hashvalues=np.asarray(hashvalues, dtype=np.uint32),
        )
        signatures[article_id] = signature
        published[article_id] = published_at
        lsh.insert(article_id, signature)
    parent = {a: a for a in signatures}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for article_id, signature in signatures.items():
        for other in lsh.query(signature):
            if other != article_id and signature.jaccard(signatures[other]) >= threshold:
                parent[root(other)] = root(article_id)
    members: dict[str, list[str]] = {}
    for article_id in signatures:
        members.setdefault(root(article_id), []).append(article_id)
    result: dict[str, tuple[str, bool]] = {}
    for group in members.values():
        original = min(group, key=lambda a: (published[a] is None, published[a] or datetime.min, a))
        for article_id in group:
            result[article_id] = (original, article_id == original)
    return result
