"""The assessment pipeline: config -> steps -> results (architecture.md#contracts)."""

from kaifang.assessment.config import AssessmentConfig, load_config
from kaifang.assessment.pipeline import Assessment, load
from kaifang.assessment.results import Results

__all__ = ["Assessment", "AssessmentConfig", "Results", "load", "load_config"]
