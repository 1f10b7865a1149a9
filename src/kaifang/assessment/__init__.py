"""The assessment pipeline: config -> steps -> results (DESIGN sections 2.4-2.6)."""

from kaifang.assessment.config import AssessmentConfig, load_config
from kaifang.assessment.pipeline import Assessment, load
from kaifang.assessment.results import Results

__all__ = ["Assessment", "AssessmentConfig", "Results", "load", "load_config"]
