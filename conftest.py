"""The tests' process edge: the no-network defaults are set before pytest imports any module (the doctests
import gradio and the model's libraries as they are collected)."""

from councilqa.process import prepare

prepare()
