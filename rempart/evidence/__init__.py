"""Evidence: the hash-chained log of everything captured, and its verification."""
