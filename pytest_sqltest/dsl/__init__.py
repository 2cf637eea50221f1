"""The ``.sqltest`` language: lexer, parser, validation and model."""
