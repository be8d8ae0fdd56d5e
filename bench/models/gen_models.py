#!/usr/bin/env python3
"""Write the parameter lists of bench/models/*.txt from the published configurations.

Usage: gen_models.py [OUT_DIR]   (default: this script's folder)

Each list is one tensor shape per line (row-major sizes, e.g. "768 3072"), in the
order the reference implementation registers its parameters, after a header of
'#' comments that cites the configuration and states the totals:
    # tensors: <count>
    # total: <elements>
and which run of it the benchmarks time (the same for optbench and its peers):
    # timed-first: <index of the first tensor timed>
    # timed-cap: <at most this many elements, whole tensors; 0: no cap>
    # timed-cut: <what that run is, in words>
    # quick: <1 if `make bench QUICK=1` times it>
The loaders (bench/model_lists.c, bench/peers/model_peers.py) check the counts. The
total is the count the model's authors publish; this script asserts that its
derivation from the configuration gives exactly that number, so a file cannot
silently drift from its citation. The files are committed; run this only to
change them.
"""
import os
import random
import sys


def gpt2_small():
    # Radford et al. 2019, "Language Models are Unsupervised Multitask Learners";
    # the released checkpoint's config (Hugging Face "gpt2"): n_layer 12, n_embd 768,
    # n_head 12, vocab_size 50257, n_ctx/n_positions 1024; the LM head is tied to
    # wte (no tensor of its own). Order: GPT2LMHeadModel.named_parameters().
    v, c, d, L = 50257, 1024, 768, 12
    s = [(v, d), (c, d)]
    for _ in range(L):
        s += [(d,), (d,),                    # ln_1 weight, bias
              (d, 3 * d), (3 * d,),          # attn.c_attn (Conv1D: in x out)
              (d, d), (d,),                  # attn.c_proj
              (d,), (d,),                    # ln_2
              (d, 4 * d), (4 * d,),          # mlp.c_fc
              (4 * d, d), (d,)]              # mlp.c_proj
    s += [(d,), (d,)]                        # ln_f
    head = ["GPT-2 small (124M): Radford et al. 2019, 'Language Models are Unsupervised",
            "Multitask Learners'; config of the released checkpoint (Hugging Face 'gpt2'):",
            "n_layer 12, n_embd 768, n_head 12, vocab_size 50257, n_positions 1024.",
            "LM head tied to wte. Order of GPT2LMHeadModel.named_parameters().",
            "Published count: 124,439,808 parameters."]
    return "gpt2-small", head, s, 124439808


def bert_base():
    # Devlin et al. 2019, BERT-base: L=12, H=768, A=12, intermediate 3072; the
    # uncased checkpoint's vocabulary 30522, max_position_embeddings 512,
    # type_vocab_size 2; BertModel with its pooler (HF 'bert-base-uncased').
    v, c, d, L, f = 30522, 512, 768, 12, 3072
    s = [(v, d), (c, d), (2, d), (d,), (d,)]
    for _ in range(L):
        s += [(d, d), (d,)] * 3               # query, key, value (out x in)
        s += [(d, d), (d,), (d,), (d,)]       # attention.output dense, LayerNorm
        s += [(f, d), (f,)]                   # intermediate.dense
        s += [(d, f), (d,), (d,), (d,)]       # output.dense, LayerNorm
    s += [(d, d), (d,)]                       # pooler
    head = ["BERT-base (110M): Devlin et al. 2019, 'BERT: Pre-training of Deep Bidirectional",
            "Transformers'; BERT-base L=12, H=768, A=12, intermediate 3072; vocab 30522,",
            "max_position_embeddings 512, type_vocab_size 2 (Hugging Face 'bert-base-uncased').",
            "BertModel with pooler, no MLM head. Order of BertModel.named_parameters().",
            "Published count: 109,482,240 parameters (BertModel, as Hugging Face reports it)."]
    return "bert-base", head, s, 109482240


def resnet50():
    # He et al. 2016, ResNet-50 (bottleneck blocks 3, 4, 6, 3; widths 64..512, x4
    # expansion), torchvision's resnet50: conv weights (out, in, kh, kw) without
    # bias, every BatchNorm's weight and bias, fc 2048 -> 1000.
    s = [(64, 3, 7, 7), (64,), (64,)]
    inp = 64
    for width, blocks in ((64, 3), (128, 4), (256, 6), (512, 3)):
        for b in range(blocks):
            out = 4 * width
            s += [(width, inp, 1, 1), (width,), (width,),
                  (width, width, 3, 3), (width,), (width,),
                  (out, width, 1, 1), (out,), (out,)]
            if b == 0:
                s += [(out, inp, 1, 1), (out,), (out,)]  # downsample conv + BN
            inp = out
    s += [(1000, 2048), (1000,)]
    head = ["ResNet-50 (25.6M): He et al. 2016, 'Deep Residual Learning for Image Recognition',",
            "Table 1 (bottleneck stages 3, 4, 6, 3); torchvision.models.resnet50: bias-free",
            "convolutions (out, in, kh, kw), BatchNorm weight and bias, fc 2048 -> 1000.",
            "Order of resnet50().named_parameters() (BatchNorm running stats are buffers).",
            "Published count: 25,557,032 parameters (torchvision)."]
    return "resnet50", head, s, 25557032


def tinyllama():
    # Zhang et al. 2024, 'TinyLlama: An Open-Source Small Language Model'; config of
    # TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T: hidden_size 2048,
    # intermediate_size 5632, num_hidden_layers 22, num_attention_heads 32,
    # num_key_value_heads 4 (head_dim 64: k/v 256 wide), vocab_size 32000, untied head.
    v, d, f, L, kv = 32000, 2048, 5632, 22, 256
    s = [(v, d)]
    for _ in range(L):
        s += [(d, d), (kv, d), (kv, d), (d, d),  # q, k, v, o proj (out x in)
              (f, d), (f, d), (d, f),            # gate, up, down proj
              (d,), (d,)]                        # input, post-attention RMSNorm
    s += [(d,), (v, d)]                          # final norm, lm_head
    head = ["TinyLlama-1.1B (LLaMA-2 architecture): Zhang et al. 2024, 'TinyLlama: An",
            "Open-Source Small Language Model'; config of TinyLlama-1.1B-*-3T: hidden 2048,",
            "intermediate 5632, 22 layers, 32 heads, 4 key-value heads (GQA, k/v 256 wide),",
            "vocab 32000, untied lm_head. Order of LlamaForCausalLM.named_parameters().",
            "Published count: 1,100,048,384 parameters ('1.1B')."]
    return "tinyllama-1.1b", head, s, 1100048384


def olmoe():
    # Muennighoff et al. 2024, 'OLMoE: Open Mixture-of-Experts Language Models';
    # config of allenai/OLMoE-1B-7B-0924: hidden 2048, 16 layers, 16 heads (no GQA),
    # 64 experts per layer (8 active), expert intermediate 1024, vocab 50304,
    # QK-norm (RMSNorm over 2048 for q and k), untied lm_head.
    v, d, f, L, e = 50304, 2048, 1024, 16, 64
    s = [(v, d)]
    for _ in range(L):
        s += [(d, d), (d, d), (d, d), (d, d),    # q, k, v, o proj
              (d,), (d,),                        # q_norm, k_norm
              (e, d)]                            # router (mlp.gate)
        for _ in range(e):
            s += [(f, d), (f, d), (d, f)]        # expert gate, up, down proj
        s += [(d,), (d,)]                        # input, post-attention RMSNorm
    s += [(d,), (v, d)]                          # final norm, lm_head
    head = ["OLMoE-1B-7B (mixture of experts): Muennighoff et al. 2024, 'OLMoE: Open",
            "Mixture-of-Experts Language Models'; config of allenai/OLMoE-1B-7B-0924: hidden",
            "2048, 16 layers, 16 heads, 64 experts per layer (8 active), expert intermediate",
            "1024, vocab 50304, QK-norm, untied lm_head. Order of OlmoeForCausalLM.named_parameters().",
            "Published count: 6,919,161,856 parameters ('6.9B total, 1.3B active')."]
    return "olmoe-1b-7b", head, s, 6919161856


def synthetic():
    s = [(256,)] * 20000
    head = ["Synthetic: 20,000 tensors of 256 elements (a list of many small tensors)."]
    return "synthetic-20000x256", head, s, 5120000


def mixed():
    rng = random.Random(20251201)
    s = [(rng.randint(1, 4093),) for _ in range(20000)]
    head = ["Synthetic: 20,000 tensors of 1..4093 elements, uniform, from",
            "random.Random(20251201).randint(1, 4093) in bench/models/gen_models.py",
            "(odd sizes: most are not a multiple of any vector width)."]
    return "mixed-20000", head, s, sum(x[0] for x in s)


# What is timed: everything, except the two lists whose Adam arrays (16 bytes
# an element, twice: the list and one flat copy) would not fit in a few GB: a
# run of whole tensors of at most 2^27 elements (0.5 GB an array).
CAP = 1 << 27
TIMED = {
    "tinyllama-1.1b": (1, CAP, "decoder layers 0-2: the 27 tensors after the embedding"),
    "olmoe-1b-7b": (1, CAP, "layer 0: attention, QK-norms, router and the first expert "
                    "tensors, whole tensors up to 2^27 elements"),
}
QUICK = {"synthetic-20000x256", "mixed-20000", "resnet50"}


def numel(shape):
    n = 1
    for x in shape:
        n *= x
    return n


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for make in (gpt2_small, bert_base, resnet50, tinyllama, olmoe, synthetic, mixed):
        name, head, shapes, published = make()
        total = sum(numel(x) for x in shapes)
        if total != published:
            sys.exit(f"gen_models.py: {name}: derived {total} != published {published}")
        lines = [f"# {h}" for h in head]
        lines += ["# Written by bench/models/gen_models.py.",
                  f"# tensors: {len(shapes)}", f"# total: {total}"]
        first, cap, cut = TIMED.get(name, (0, 0, "the whole list"))
        lines += [f"# timed-first: {first}", f"# timed-cap: {cap}", f"# timed-cut: {cut}",
                  f"# quick: {int(name in QUICK)}"]
        lines += [" ".join(str(x) for x in sh) for sh in shapes]
        path = os.path.join(out, name + ".txt")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(path + ".tmp", path)
        print(f"{path}: {len(shapes)} tensors, {total} elements")


if __name__ == "__main__":
    main()
