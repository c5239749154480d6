#!/usr/bin/env python3
"""Compares oss-serve's CPU engine with Hugging Face transformers' GptOssForCausalLM (gpt-oss-spec.md §7.3).

usage: transformers_compare.py CHECKPOINT_DIR OUR_LOGITS.safetensors PROMPT_IDS OUR_TOKENS [--json OUT]
  CHECKPOINT_DIR  a checkpoint written by `model create-random` (HF layout, MXFP4 experts)
  OUR_LOGITS      `generate --logits-out` of the same prompt: F32 'logits' [promptLength, vocab]
  PROMPT_IDS      the prompt, comma-separated ids
  OUR_TOKENS      the greedy tokens `generate` printed, comma-separated ids

Two transformers evaluations of the same files:
  dense   the MXFP4 experts dequantised here (exactly: e2m1 value * 2^(scale-127)) into float32 tensors in
          transformers' in-memory layout, loaded with dtype=float32 and eager attention: a float32 evaluation
          of the reference computation, so it should agree with our float32 engine to ~1e-5.
  loaded  from_pretrained on the directory unchanged (transformers' own MXFP4 handling): shows the files
          load as they are; without its optional kernels transformers runs the experts in bf16 (~1e-2).
Prints relative L2 errors of the prompt logits, the argmax agreement per position, and greedy tokens
(recomputed from scratch each step, no cache) against ours. Exits 1 when the dense comparison misses
the bars (rel L2 <= 1e-3, identical greedy tokens).
"""
import json
import sys
import time

import torch
from safetensors.torch import load_file
from transformers import GptOssConfig, GptOssForCausalLM

E2M1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]


def dequantise(blocks, scales):
    """blocks [E, out, in/32, 16] u8, scales [E, out, in/32] u8 -> float32 [E, out, in]; element 2j is the
    low nibble of byte j, 2j+1 the high nibble (gpt-oss-spec.md §3.3)."""
    lut = torch.tensor(E2M1, dtype=torch.float32)
    lo = lut[(blocks & 0x0F).long()]
    hi = lut[(blocks >> 4).long()]
    vals = torch.stack([lo, hi], dim=-1).reshape(*blocks.shape[:-1], 32)       # [E, out, in/32, 32]
    vals = vals * torch.exp2(scales.to(torch.float32) - 127.0).unsqueeze(-1)
    return vals.reshape(blocks.shape[0], blocks.shape[1], -1)                 # [E, out, in]


def rel_l2(a, b):
    return (torch.linalg.vector_norm((a - b).double()) / torch.linalg.vector_norm(b.double())).item()


def greedy(model, prompt, n, device):
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(n):
            logits = model(torch.tensor([ids], device=device), use_cache=False).logits[0, -1]
            ids.append(int(torch.argmax(logits).item()))
    return ids[len(prompt):]


def dense_model(ckdir, device):
    cfg = json.load(open(f"{ckdir}/config.json"))
    cfg.pop("quantization_config", None)
    config = GptOssConfig(**cfg)
    model = GptOssForCausalLM(config).to(torch.float32)
    state = load_file(f"{ckdir}/model.safetensors")
    params = dict(model.named_parameters())
    sd = {}
    for name, t in state.items():
        if name.endswith("_blocks"):
            base = name[: -len("_blocks")]
            w = dequantise(t, state[base + "_scales"])                       # [E, out, in]
            want = params[base].shape
            if tuple(want) == tuple(w.shape) and want[1] != want[2]:
                sd[base] = w
            else:
                sd[base] = w.transpose(1, 2).contiguous()                     # [E, in, out]
            if tuple(sd[base].shape) != tuple(want):
                raise SystemExit(f"{base}: dequantised {tuple(w.shape)} does not fit the model's {tuple(want)}")
        elif name.endswith("_scales"):
            continue
        else:
            sd[name] = t.to(torch.float32)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [m for m in missing if "rotary" not in m]
    if missing or unexpected:
        raise SystemExit(f"dense model: missing {missing}, unexpected {unexpected}")
    model.config._attn_implementation = "eager"
    return model.to(device).eval()


def main():
    args = sys.argv[1:]
    out_json = None
    if "--json" in args:
        i = args.index("--json")
        out_json = args[i + 1]
        del args[i:i + 2]
    ckdir, logits_file, prompt_s, ours_s = args
    prompt = [int(x) for x in prompt_s.split(",")]
    ours_tokens = [int(x) for x in ours_s.split(",")]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    ours = load_file(logits_file)["logits"].to(torch.float32)
    result = {"checkpoint": ckdir, "device": device, "torch": torch.__version__,
              "prompt_len": len(prompt), "our_tokens": ours_tokens}
    import transformers
    result["transformers"] = transformers.__version__
    print(f"transformers {transformers.__version__}, torch {torch.__version__}, device {device}; "
          f"prompt {len(prompt)} tokens, logits {tuple(ours.shape)}", flush=True)

    ok = True
    t0 = time.time()
    model = dense_model(ckdir, device)
    with torch.no_grad():
        theirs = model(torch.tensor([prompt], device=device), use_cache=False).logits[0].float().cpu()
    err = rel_l2(ours, theirs)
    agree = (ours.argmax(-1) == theirs.argmax(-1)).float().mean().item()
    toks = greedy(model, prompt, len(ours_tokens), device)
    same = toks == ours_tokens
    print(f"dense float32: rel L2 {err:.3e}, max |diff| {(ours - theirs).abs().max().item():.3e}, "
          f"argmax agreement {agree * 100:.1f}% of positions, greedy {'IDENTICAL' if same else 'DIFFERENT'} "
          f"({len(toks)} tokens) in {time.time() - t0:.1f} s", flush=True)
    if not same:
        print(f"  ours   {ours_tokens}\n  theirs {toks}")
    result["dense"] = {"rel_l2": err, "argmax_agreement": agree, "greedy_identical": same, "tokens": toks}
    ok = ok and err <= 1e-3 and same
    del model

    try:
        t0 = time.time()
        loaded = GptOssForCausalLM.from_pretrained(ckdir, dtype=torch.float32, attn_implementation="eager").to(device).eval()
        with torch.no_grad():
            lt = loaded(torch.tensor([prompt], device=device), use_cache=False).logits[0].float().cpu()
        e2 = rel_l2(ours, lt)
        a2 = (ours.argmax(-1) == lt.argmax(-1)).float().mean().item()
        print(f"from_pretrained (files unchanged): rel L2 {e2:.3e} vs ours, {rel_l2(theirs, lt):.3e} vs dense, "
              f"argmax agreement {a2 * 100:.1f}% in {time.time() - t0:.1f} s", flush=True)
        result["loaded"] = {"rel_l2": e2, "argmax_agreement": a2}
    except Exception as e:   # the dense comparison above is the bar; this one is informative
        print(f"from_pretrained failed: {type(e).__name__}: {e}", flush=True)
        result["loaded"] = {"error": f"{type(e).__name__}: {e}"}

    if out_json:
        with open(out_json, "w") as f:
            json.dump(result, f, indent=1)
    print("ORACLE " + ("PASS" if ok else "FAIL"), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
