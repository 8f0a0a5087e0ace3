"""The Gradio chat: a question in, the quoted answer and its cited excerpts out.

The handler is thin: it calls `Assistant.ask` and formats the result as Markdown.
"""

from __future__ import annotations

import html

import gradio as gr

from councilqa.app.answer import Assistant
from councilqa.records import Answer, where


def answer_markdown(answer: Answer) -> str:
    """An answer and its citations as Markdown, for the chat window."""
    heading = "**No clear answer in the papers.**" if answer.abstained else "**Answer**"
    parts = [heading, html.escape(answer.answer), ""]
    if answer.citations:
        parts.append("**Closest matches**" if answer.abstained else "**Sources**")
    for c in answer.citations:
        meeting = ", ".join(html.escape(part) for part in (c.committee, c.meeting_date) if part)
        paths = " · ".join(f"`{path}`" for path in (c.doc, *c.copies))
        heading = f"**[{c.rank}] {html.escape(c.title)}**" + (f" · {meeting}" if meeting else "")
        parts.append(f"{heading} · {where(c)}  \n{paths}")
        parts.append("> " + html.escape(c.text))
    return "\n\n".join(parts)


def build_app(assistant: Assistant) -> gr.Blocks:
    def respond(message: str, history: list[dict]) -> str:
        if not message.strip():
            return "Type a question about the council papers."
        return answer_markdown(assistant.ask(message))

    return gr.ChatInterface(
        respond,
        title="councilqa",
        description="Ask about the council papers. Answers quote the papers and cite document and page.",
        examples=[
            "What did Cabinet resolve about Riverside Leisure Centre?",
            "What is the 2030 target for transport emissions?",
        ],
        analytics_enabled=False,
    )


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the chat until interrupted. Binds to this machine only unless `host` says otherwise."""
    build_app(assistant).launch(server_name=host, server_port=port, share=False)
