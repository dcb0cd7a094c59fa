"""Clients wait 5 s for an answer in AWS, and longer on a local server that a loaded machine slows down."""

from kernel import aws
from support.env import domain_environment


def test_clients_wait_longer_for_dynamodb_local_than_in_aws():
    with domain_environment("any-table", "http://localhost:1"):
        assert aws.dynamodb().meta.config.read_timeout == aws.client("dynamodb").meta.config.read_timeout == 30
    assert aws.dynamodb().meta.config.read_timeout == 5
