"""Compose answers from search results and present them: the CLI and the Gradio app."""
