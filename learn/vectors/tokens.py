"""Token counting and truncation with tiktoken's ``cl100k_base``, fully offline.

tiktoken normally downloads its BPE file on first use. LiteLLM (a pinned dependency) ships that very
file inside its wheel, so we load it from there, checking tiktoken's published SHA-256, and never
touch the network.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import tiktoken
from tiktoken.load import load_tiktoken_bpe

# sha1 of the public blob URL: the cache file name tiktoken itself uses.
_CL100K_FILE = "9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_PAT = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}


def _bundled_bpe_path() -> Path:
    spec = importlib.util.find_spec("litellm")  # locate the wheel without importing LiteLLM
    if spec is None or spec.origin is None:
        raise RuntimeError("litellm is not installed: cl100k_base BPE file unavailable")
    return Path(spec.origin).parent / "litellm_core_utils" / "tokenizers" / _CL100K_FILE


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    ranks = load_tiktoken_bpe(str(_bundled_bpe_path()), expected_hash=_CL100K_SHA256)
    return tiktoken.Encoding(
        name="cl100k_base", pat_str=_PAT, mergeable_ranks=ranks, special_tokens=_SPECIAL
    )


def encode(text: str) -> list[int]:
    return encoding().encode(text, disallowed_special=())


def decode(tokens: list[int]) -> str:
    return encoding().decode(tokens)


def count_tokens(text: str) -> int:
    return len(encode(text))


def truncate(text: str, max_tokens: int) -> str:
    """Cut ``text`` to at most ``max_tokens`` cl100k tokens (unchanged when already short)."""
    tokens = encode(text)
    if len(tokens) <= max_tokens:
        return text
    return decode(tokens[:max_tokens])
