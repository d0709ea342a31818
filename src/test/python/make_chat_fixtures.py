"""Writes the chat-template fixtures that ChatTemplateTest compares against.

Each expected string is rendered by transformers' own chat-template code
(transformers.utils.chat_template_utils.render_jinja_template, the function that
PreTrainedTokenizerBase.apply_chat_template calls), given the tokenizer_config.json's
chat_template and its named special tokens as template variables, exactly as
apply_chat_template passes them. No tokenizer vocabulary is needed to render text.

Run from the repository root, in an environment with transformers and jinja2:
    python src/test/python/make_chat_fixtures.py
"""

import json
from pathlib import Path

from transformers.utils.chat_template_utils import _compile_jinja_template, render_jinja_template

ROOT = Path(__file__).resolve().parents[1] / "resources" / "chat-templates"
NAMED_SPECIAL_TOKENS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

SYSTEM = {"role": "system", "content": "You are a careful math tutor."}
USER = {"role": "user", "content": "What is 7 * 6?"}
ANSWER = {"role": "assistant", "content": "7 * 6 = 42."}
FOLLOW_UP = {"role": "user", "content": "And 42 / 7?"}
THOUGHTFUL = {"role": "assistant", "content": "<think>\nSeven sixes are forty-two.\n</think>\n\nThe answer is 42."}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather of a city, in °C",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
            "required": ["city"],
        },
    },
}
UNICODE = {"role": "user", "content": "Café ünïcode — \"quotes\" and {braces} {{ not jinja }}"}

CASES = [
    ("user only, generation prompt", [USER], True, {}),
    ("system and user, generation prompt", [SYSTEM, USER], True, {}),
    ("system and user, no generation prompt", [SYSTEM, USER], False, {}),
    ("multi-turn with an assistant turn", [SYSTEM, USER, ANSWER, FOLLOW_UP], True, {}),
    ("conversation ending with the assistant", [SYSTEM, USER, ANSWER], False, {}),
    ("thinking disabled", [USER], True, {"enable_thinking": False}),
    ("thinking enabled explicitly", [USER], True, {"enable_thinking": True}),
    ("assistant turn with think block, then a new question", [USER, THOUGHTFUL, FOLLOW_UP], True, {}),
    ("assistant turn with think block last", [USER, THOUGHTFUL], False, {}),
    ("unicode and braces in content", [SYSTEM, UNICODE], True, {}),
    ("tools in the system prompt", [SYSTEM, USER], True, {"tools": [WEATHER_TOOL]}),
]


def special_tokens(config):
    tokens = {}
    for name in NAMED_SPECIAL_TOKENS:
        value = config.get(name)
        if isinstance(value, dict):
            value = value.get("content")
        if value is not None:
            tokens[name] = value
    return tokens


# Jinja constructs of published chat templates, rendered alone against one context.
SNIPPET_CONTEXT = {
    "messages": [
        {"role": "system", "content": "  S  "},
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": "yo",
            "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": {"a": 1, "b": "x"}}}],
        },
    ],
    "bos_token": "<s>",
    "eos_token": "</s>",
    "add_generation_prompt": True,
    "tools": None,
}
SNIPPETS = [
    "{{ messages[0].content|trim }}|{{ messages|length }}",
    "{% for m in messages %}{{ loop.index }}{{ m.role }}{% if not loop.last %},{% endif %}{% endfor %}",
    "{% if messages[0]['content'] is string %}S{% endif %}{% if messages[2].tool_calls is iterable %}I{% endif %}"
    "{% if messages[2].tool_calls[0] is mapping %}M{% endif %}{% if messages[5] is not defined %}U{% endif %}",
    "{{ messages|map(attribute='role')|join(',') }}",
    "{{ messages|selectattr('role', 'equalto', 'user')|list|length }}",
    "{{ (messages|first).role }}|{{ (messages|last).role }}",
    "{% for k, v in messages[2].tool_calls[0].function.arguments.items() %}{{ k }}={{ v }};{% endfor %}",
    "{% for k, v in messages[2].tool_calls[0].function.arguments|items %}{{ k }}={{ v }};{% endfor %}",
    "{{ messages[2].tool_calls[0].function.arguments|tojson }}",
    "{{ messages[2].tool_calls[0].function.arguments|tojson(indent=2) }}",
    "{%- set loop_messages = messages[1:] %}{{ loop_messages|length }}",
    "{{ 'a' ~ 'b' ~ 3 }}",
    "{% if messages[1].content == 'hi' and not tools %}ok{% endif %}",
    "{{ 'x' if tools is none else 'y' }}",
    "{% for i in range(3) %}{{ i }}{% endfor %}",
    "{{ '%s-%s'|format('a', 'b') }}",
    "{{ 'A b'.lower() }}{{ 'ab'.upper() }}{{ 'a-b'.replace('-', '+') }}",
    "{{ messages[0].content.strip() }}|",
    "{% macro f(x) %}[{{ x }}]{% endmacro %}{{ f('q') }}",
    "{%- for m in messages %}{%- if m.role == 'user' %}{%- break %}{%- endif %}{{ m.role }}{%- endfor %}",
    "{%- for m in messages %}{%- if m.role == 'user' %}{%- continue %}{%- endif %}{{ m.role }}{%- endfor %}",
    "{{ messages[2]['tool_calls'][0]['function']['name'] }}",
    "{{ 3 // 2 }}|{{ 7 % 3 }}|{{ 2 ** 3 }}",
    "{% if messages|length > 2 %}long{% endif %}",
    "{% set x = {'a': 1} %}{{ x.a }}{{ x['a'] }}",
    "{{ [1, 2, 3][-1] }}|{{ 'abc'[1:] }}",
    "{{ 'ok' if none is none }}",
    "{% generation %}G{% endgeneration %}",
    "{{ messages[0].content|length }}",
    "{{ 'a\\nb' }}",
    "{%- if messages[0].role == 'system' %}\n  {{- messages[0].content|trim }}\n{%- endif %}\n{{ bos_token }}",
]


def write_snippets():
    cases = []
    for template in SNIPPETS:
        rendered = _compile_jinja_template(template).render(**SNIPPET_CONTEXT)
        cases.append({"template": template, "expected": rendered})
    out = ROOT / "jinja-snippets.json"
    out.write_text(
        json.dumps({"context": SNIPPET_CONTEXT, "cases": cases}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(f"{out}: {len(cases)} snippets")


def main():
    write_snippets()
    for model_dir in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        config = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
        tokens = special_tokens(config)
        cases = []
        for name, messages, add_generation_prompt, extra in CASES:
            # apply_chat_template hands tools to the renderer by name, everything else as kwargs
            kwargs = {k: v for k, v in extra.items() if k != "tools"}
            rendered, _ = render_jinja_template(
                conversations=[messages],
                tools=extra.get("tools"),
                chat_template=config["chat_template"],
                add_generation_prompt=add_generation_prompt,
                **{**tokens, **kwargs},
            )
            cases.append(
                {
                    "name": name,
                    "messages": messages,
                    "add_generation_prompt": add_generation_prompt,
                    "extra": extra,
                    "expected": rendered[0],
                }
            )
        out = model_dir / "expected.json"
        out.write_text(json.dumps(cases, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
