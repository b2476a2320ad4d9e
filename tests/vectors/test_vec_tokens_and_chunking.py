from __future__ import annotations

import pytest

from learn.vectors import chunking, tokens
from learn.vectors.embedders.base import plan_batches


def test_cl100k_counts_offline() -> None:
    # Known cl100k_base encodings: the BPE file comes from the LiteLLM wheel, not the network.
    assert tokens.encode("hello world") == [15339, 1917]
    assert tokens.count_tokens("tiktoken is great!") == 6


def test_truncate_to_token_limit() -> None:
    text = "word " * 500
    cut = tokens.truncate(text, 50)
    assert tokens.count_tokens(cut) <= 50
    assert text.startswith(cut)
    assert tokens.truncate("short", 50) == "short"


def test_chunks_respect_size_and_overlap() -> None:
    text = " ".join(f"Sentence number {i} talks about topic {i % 7}." for i in range(200))
    chunks = chunking.split_text(text, size=60, overlap=10)
    assert len(chunks) > 5
    assert all(tokens.count_tokens(c) <= 62 for c in chunks)  # decode/encode may merge 1-2 tokens
    # consecutive chunks share text (the overlap)
    first_tail = chunks[0][-20:].strip().split()[-1]
    assert first_tail in chunks[1]
    # nothing is lost: every sentence number appears somewhere
    joined = " ".join(chunks)
    assert all(f"number {i} " in joined for i in range(200))


def test_markdown_split_on_headings_with_path_prefix() -> None:
    md = (
        "# Linear Algebra\nIntro text.\n\n## Lectures\n"
        + "Eigenvalues and eigenvectors are discussed at length. " * 40
        + "\n\n### Exams\nTwo midterms.\n\n## Links\nhttps://example.org"
    )
    chunks = chunking.chunk_document(md, size=80, overlap=0, markdown=True)
    assert chunks[0].startswith("Linear Algebra\nIntro text.")
    lecture_chunks = [c for c in chunks if c.startswith("Linear Algebra > Lectures\n")]
    assert len(lecture_chunks) >= 3  # the long section is split, each part keeps its heading
    assert any("Linear Algebra > Lectures > Exams\nTwo midterms." in c for c in chunks)
    # small trailing sections are packed together rather than embedded one by one
    assert any("Exams" in c and "Links" in c for c in chunks)


def test_chunking_rejects_bad_size_and_handles_empty() -> None:
    with pytest.raises(ValueError):
        chunking.split_text("text", size=0)
    assert chunking.chunk_document("   ", size=10) == []


def test_batches_bounded_by_count_and_tokens() -> None:
    texts = ["alpha beta gamma " * 20] * 10 + ["tiny"] * 5  # 60-token texts, then 1-token texts
    batches = list(plan_batches(texts, max_input_tokens=50, max_inputs=4, max_tokens=120))
    assert sorted(i for b in batches for i in b.indexes) == list(range(15))
    for batch in batches:
        assert len(batch.texts) <= 4
        assert sum(tokens.count_tokens(t) for t in batch.texts) <= 120
        assert all(tokens.count_tokens(t) <= 50 for t in batch.texts)  # truncated to the limit
