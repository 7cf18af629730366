from . import (
    test_pos,
    test_pos_access,
    test_pos_arrival,
    test_pos_concurrency,
    test_pos_figures,
    test_pos_returns,
    test_pos_review_attacks,
)
