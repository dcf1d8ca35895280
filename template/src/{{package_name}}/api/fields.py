"""Request field types whose validation agrees with the JSON Schema they publish.

A request model's OpenAPI schema is what clients, and the contract test, take as the rules; a
field that accepts more or less than its schema says breaks that contract.
"""

from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError


def _refuse_strings_and_booleans(value: object) -> object:
    if isinstance(value, str | bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# JSON Schema's `integer` takes 28.0 but not "28" or true. Pydantic's lax `int` takes all three,
# its strict `int` none of them: lax, with strings and booleans refused first.
JsonInt = Annotated[int, BeforeValidator(_refuse_strings_and_booleans)]
