/* _convanim_kernels: the GIF writer's per-pixel work, compiled: the changed patch of a
 * frame, the sample frames' colour counts and the LZW encoder. convanim.writers.
 * _palette and gif call them when this extension was built and fall back to numpy and
 * Pillow otherwise, with the same results (the tests run both). numpy does each step
 * as a pass over the pixels with a temporary array between passes; here each is one
 * pass, no temporaries, and a new anti-aliased tint is resolved where it is met.
 * A top-level module, not one inside the package: tests run from a source checkout
 * import convanim from there and still find the extension that the install built.
 *
 * Pixels are (H, W) arrays of uint32, one RGBA pixel each as a little-endian canvas
 * holds it (0xAABBGGRR); a colour key is its low 24 bits. Only the buffer protocol is
 * used, so building needs no numpy headers.
 */
#define PY_SSIZE_T_CLEAN
#define KERNELS_VERSION 2 /* bump with any change of a function's contract */
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define COLOR_MASK 0xFFFFFFu
#define UNKNOWN 255     /* a lookup entry not yet resolved (see _palette.Palette) */
#define TRANSPARENT 255 /* the GIF writer's transparent index */
#define LOOKUP_SIZE (1 << 24)
#define EMPTY_KEY 0xFFFFFFFFu   /* above every 24-bit colour key */
#define CACHE_BITS 11
#define CACHE_SIZE (1u << CACHE_BITS)

/* A key's slot in a table of 2**bits (Fibonacci hashing: the top bits of key * 2**32/phi). */
static inline size_t
slot_of(uint32_t key, unsigned bits)
{
    return (size_t)((uint32_t)(key * 0x9E3779B1u) >> (32 - bits));
}

/* A 2-D buffer whose rows are contiguous runs of `itemsize`-byte items. */
static int
get_plane(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize,
          const char *name)
{
    int flags = PyBUF_STRIDES | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    if (view->ndim != 2 || view->itemsize != itemsize || view->strides[1] != itemsize) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_ValueError,
                     "%s is not valid: expected a 2-D array of %zd-byte items, "
                     "each row contiguous", name, itemsize);
        return -1;
    }
    return 0;
}

#define ROW(view, type, y) ((type *)((char *)(view).buf + (y) * (view).strides[0]))

/* -- nearest palette colour ------------------------------------------------------- */

/* The palette index nearest to a colour key (squared RGB distance, the lowest index
 * on a tie): exactly what _palette.Palette._nearest computes in float64. */
static uint8_t
nearest_index(uint32_t key, const uint8_t *colors, Py_ssize_t count)
{
    int red = key & 0xFF, green = (key >> 8) & 0xFF, blue = (key >> 16) & 0xFF;
    int32_t best_distance = INT32_MAX;
    uint8_t best = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        int dr = red - colors[3 * i], dg = green - colors[3 * i + 1],
            db = blue - colors[3 * i + 2];
        int32_t distance = dr * dr + dg * dg + db * db;
        if (distance < best_distance) {
            best_distance = distance;
            best = (uint8_t)i;
        }
    }
    return best;
}

/* Keys resolved during one call, handed back so the palette can clear them later. */
typedef struct {
    uint32_t *keys;
    size_t count, room;
} KeyList;

static int
key_list_add(KeyList *list, uint32_t key)
{
    if (list->count == list->room) {
        size_t room = list->room ? 2 * list->room : 256;
        uint32_t *grown = realloc(list->keys, room * sizeof(uint32_t));
        if (grown == NULL)
            return -1;
        list->keys = grown;
        list->room = room;
    }
    list->keys[list->count++] = key;
    return 0;
}

/* -- changed patch ------------------------------------------------------------------ */

PyDoc_STRVAR(changed_patch_doc,
"changed_patch(current, previous, indices, lookup, colors, top, bottom, left, right)\n"
"\n"
"The GIF patch of one frame within a rectangle: see gif._changed_indices.\n"
"\n"
"current: (H, W) uint32 pixels of the frame; previous and indices: the last\n"
"frame's pixels and palette indices, (H, W) uint32 and uint8, brought up to date\n"
"for every pixel that changed in the rectangle; lookup: the palette's 2**24 uint8\n"
"table, 255 for a colour not yet resolved; colors: the palette's (N, 3) uint8 RGB\n"
"colours; top, bottom, left, right: the rectangle, within the frame.\n"
"\n"
"A colour not yet in lookup gets its nearest palette colour there (squared\n"
"distance, lowest index on a tie). Returns (resolved, patch): resolved the bytes of\n"
"the uint32 keys so added; patch None if no index changed, else (data, x, y, width,\n"
"height), data the bytes of the (height, width) box of changed indices, transparent\n"
"(255) where the index is unchanged.");

static PyObject *
changed_patch(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *current_obj, *previous_obj, *indices_obj, *lookup_obj, *colors_obj;
    PyObject *result = NULL;
    Py_ssize_t top, bottom, left, right;
    Py_buffer current, previous, indices, lookup, colors;
    if (!PyArg_ParseTuple(args, "OOOOOnnnn", &current_obj, &previous_obj, &indices_obj,
                          &lookup_obj, &colors_obj, &top, &bottom, &left, &right))
        return NULL;
    if (get_plane(current_obj, &current, 0, 4, "current") < 0)
        return NULL;
    if (get_plane(previous_obj, &previous, 1, 4, "previous") < 0)
        goto release_current;
    if (get_plane(indices_obj, &indices, 1, 1, "indices") < 0)
        goto release_previous;
    if (PyObject_GetBuffer(lookup_obj, &lookup, PyBUF_WRITABLE) < 0)
        goto release_indices;
    if (PyObject_GetBuffer(colors_obj, &colors, PyBUF_SIMPLE) < 0)
        goto release_lookup;
    if (lookup.len != LOOKUP_SIZE) {
        PyErr_SetString(PyExc_ValueError, "lookup is not valid: expected 2**24 bytes");
        goto release_colors;
    }
    Py_ssize_t color_count = colors.len / 3;
    if (colors.len % 3 || color_count < 1 || color_count > UNKNOWN) {
        PyErr_SetString(PyExc_ValueError,
                        "colors is not valid: expected 1 to 255 RGB triples");
        goto release_colors;
    }
    Py_ssize_t height = current.shape[0], width = current.shape[1];
    if (previous.shape[0] != height || previous.shape[1] != width ||
        indices.shape[0] != height || indices.shape[1] != width) {
        PyErr_SetString(PyExc_ValueError,
                        "previous and indices are not valid: expected the frame's shape");
        goto release_colors;
    }
    if (top < 0 || left < 0 || bottom > height || right > width || top > bottom ||
        left > right) {
        PyErr_SetString(PyExc_ValueError,
                        "rectangle is not valid: expected it within the frame");
        goto release_colors;
    }
    uint8_t *table = (uint8_t *)lookup.buf;
    const uint8_t *palette = (const uint8_t *)colors.buf;
    Py_ssize_t rect_width = right - left, rect_height = bottom - top;

    /* One pass: new indices go into a scratch copy of the rectangle (transparent where
     * unchanged) while their box is found; the box is copied out at the end. */
    uint8_t *scratch = NULL;
    if (rect_width > 0 && rect_height > 0) {
        scratch = malloc((size_t)(rect_width * rect_height));
        if (scratch == NULL) {
            PyErr_NoMemory();
            goto release_colors;
        }
    }
    KeyList resolved = {NULL, 0, 0};
    Py_ssize_t box_top = bottom, box_bottom = top, box_left = right, box_right = left;
    /* A frame's changed pixels hold a few thousand colours, scattered over the 16 MB
     * table (a TLB miss each): a small cache of recent lookups, in L1, goes first. */
    uint32_t cache_keys[CACHE_SIZE];
    uint8_t cache_indices[CACHE_SIZE];
    for (size_t i = 0; i < CACHE_SIZE; i++)
        cache_keys[i] = EMPTY_KEY;
    for (Py_ssize_t y = top; scratch != NULL && y < bottom; y++) {
        const uint32_t *now = ROW(current, const uint32_t, y);
        uint32_t *before = ROW(previous, uint32_t, y);
        uint8_t *index = ROW(indices, uint8_t, y);
        uint8_t *scratch_row = scratch + (y - top) * rect_width; /* column left first */
        memset(scratch_row, TRANSPARENT, (size_t)rect_width);
        Py_ssize_t first = -1, last = -1;
        for (Py_ssize_t x = left; x < right; x++) {
            uint32_t color = now[x];
            if (color == before[x])
                continue;
            before[x] = color;
            uint32_t key = color & COLOR_MASK;
            size_t slot = slot_of(key, CACHE_BITS);
            uint8_t fresh;
            if (cache_keys[slot] == key) {
                fresh = cache_indices[slot];
            } else {
                fresh = table[key];
                if (fresh == UNKNOWN) {
                    /* Listed before it is written: every entry written is handed
                     * back (or undone on failure), so the palette can clear it. */
                    if (key_list_add(&resolved, key) < 0) {
                        PyErr_NoMemory();
                        goto undo_table;
                    }
                    fresh = nearest_index(key, palette, color_count);
                    table[key] = fresh;
                }
                cache_keys[slot] = key;
                cache_indices[slot] = fresh;
            }
            if (fresh != index[x]) {
                index[x] = fresh;
                scratch_row[x - left] = fresh;
                if (first < 0)
                    first = x;
                last = x;
            }
        }
        if (first >= 0) {
            if (y < box_top)
                box_top = y;
            box_bottom = y + 1;
            if (first < box_left)
                box_left = first;
            if (last + 1 > box_right)
                box_right = last + 1;
        }
    }

    PyObject *patch;
    Py_ssize_t box_width = box_right - box_left, box_height = box_bottom - box_top;
    if (box_width > 0 && box_height > 0) {
        PyObject *data = PyBytes_FromStringAndSize(NULL, box_width * box_height);
        if (data == NULL)
            goto undo_table;
        char *out = PyBytes_AS_STRING(data);
        for (Py_ssize_t y = box_top; y < box_bottom; y++)
            memcpy(out + (y - box_top) * box_width,
                   scratch + (y - top) * rect_width + (box_left - left), (size_t)box_width);
        patch = Py_BuildValue("Nnnnn", data, box_left, box_top, box_width, box_height);
    } else {
        patch = Py_NewRef(Py_None);
    }
    if (patch != NULL)
        /* y# makes None of a NULL pointer: no keys are empty bytes. */
        result = Py_BuildValue("y#N", resolved.keys ? (const char *)resolved.keys : "",
                               (Py_ssize_t)(resolved.count * sizeof(uint32_t)), patch);
    if (result != NULL)
        goto free_scratch;

undo_table:
    /* Failed: the caller learns of no resolved key, so none may stay in the table (a
     * released palette hands it on, cleared of the keys it knows). */
    for (size_t i = 0; i < resolved.count; i++)
        table[resolved.keys[i]] = UNKNOWN;
free_scratch:
    free(resolved.keys);
    free(scratch);
release_colors:
    PyBuffer_Release(&colors);
release_lookup:
    PyBuffer_Release(&lookup);
release_indices:
    PyBuffer_Release(&indices);
release_previous:
    PyBuffer_Release(&previous);
release_current:
    PyBuffer_Release(&current);
    return result;
}

/* -- colour counts ----------------------------------------------------------------- */

/* Distinct colour keys and their pixel counts, in an open-addressed table kept at most
 * half full. Keys and counts are apart: probing reads only the keys (16 kB for a few
 * thousand colours, in L1). */
typedef struct {
    uint32_t *keys; /* EMPTY_KEY or a key */
    int64_t *counts;
    unsigned bits;
    size_t used;
} Counts;

static int
counts_init(Counts *counts, unsigned bits)
{
    size_t size = (size_t)1 << bits;
    counts->bits = bits;
    counts->used = 0;
    counts->keys = malloc(size * sizeof(uint32_t));
    counts->counts = malloc(size * sizeof(int64_t));
    if (counts->keys == NULL || counts->counts == NULL) {
        free(counts->keys);
        free(counts->counts);
        counts->keys = NULL;
        counts->counts = NULL;
        return -1;
    }
    memset(counts->keys, 0xFF, size * sizeof(uint32_t));
    return 0;
}

static void
counts_free(Counts *counts)
{
    free(counts->keys);
    free(counts->counts);
}

/* Where `key` is, or the empty slot where it goes. */
static inline size_t
counts_find(const Counts *counts, uint32_t key)
{
    size_t mask = ((size_t)1 << counts->bits) - 1;
    size_t i = slot_of(key, counts->bits);
    while (counts->keys[i] != key && counts->keys[i] != EMPTY_KEY)
        i = (i + 1) & mask;
    return i;
}

static int
counts_add(Counts *counts, uint32_t key, int64_t amount)
{
    size_t i = counts_find(counts, key);
    if (counts->keys[i] == key) {
        counts->counts[i] += amount;
        return 0;
    }
    counts->keys[i] = key;
    counts->counts[i] = amount;
    if (++counts->used * 2 <= ((size_t)1 << counts->bits))
        return 0;
    /* Over half full: twice the slots, every key placed again. */
    Counts bigger;
    if (counts_init(&bigger, counts->bits + 1) < 0)
        return -1;
    for (size_t j = 0; j < ((size_t)1 << counts->bits); j++) {
        if (counts->keys[j] == EMPTY_KEY)
            continue;
        size_t k = counts_find(&bigger, counts->keys[j]);
        bigger.keys[k] = counts->keys[j];
        bigger.counts[k] = counts->counts[j];
    }
    bigger.used = counts->used;
    counts_free(counts);
    *counts = bigger;
    return 0;
}

PyDoc_STRVAR(count_keys_doc,
"count_keys(pixels)\n"
"\n"
"Every colour key (low 24 bits) of an (H, W) uint32 array and how many pixels have\n"
"it: (keys, counts), the bytes of a uint32 and an int64 array, in no particular\n"
"order.");

static PyObject *
count_keys(PyObject *Py_UNUSED(self), PyObject *arg)
{
    Py_buffer pixels;
    Counts counts;
    PyObject *result = NULL;
    if (get_plane(arg, &pixels, 0, 4, "pixels") < 0)
        return NULL;
    if (counts_init(&counts, 12) < 0) {
        PyErr_NoMemory();
        goto release_pixels;
    }
    Py_ssize_t height = pixels.shape[0], width = pixels.shape[1];
    /* A drawing is mostly flat fills: each run of one colour is added once, and a run
     * is crossed two pixels at a time. */
    const uint64_t pair_mask = (uint64_t)COLOR_MASK << 32 | COLOR_MASK;
    uint32_t run_key = EMPTY_KEY;
    int64_t run_length = 0;
    for (Py_ssize_t y = 0; y < height; y++) {
        const uint32_t *row = ROW(pixels, const uint32_t, y);
        uint64_t pair = (uint64_t)run_key << 32 | run_key;
        Py_ssize_t x = 0;
        while (x < width) {
            Py_ssize_t start = x;
            while (x + 2 <= width) {
                uint64_t two;
                memcpy(&two, row + x, 8);
                if ((two & pair_mask) != pair)
                    break;
                x += 2;
            }
            while (x < width && (row[x] & COLOR_MASK) == run_key)
                x++;
            run_length += x - start;
            if (x == width)
                break;
            if (run_length && counts_add(&counts, run_key, run_length) < 0)
                goto no_memory;
            run_key = row[x] & COLOR_MASK;
            pair = (uint64_t)run_key << 32 | run_key;
            run_length = 1;
            x++;
        }
    }
    if (run_length && counts_add(&counts, run_key, run_length) < 0)
        goto no_memory;

    PyObject *keys = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(counts.used * sizeof(uint32_t)));
    PyObject *amounts =
        PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(counts.used * sizeof(int64_t)));
    if (keys == NULL || amounts == NULL) {
        Py_XDECREF(keys);
        Py_XDECREF(amounts);
        goto free_counts;
    }
    uint32_t *key_out = (uint32_t *)PyBytes_AS_STRING(keys);
    int64_t *count_out = (int64_t *)PyBytes_AS_STRING(amounts);
    size_t used = 0;
    for (size_t i = 0; i < ((size_t)1 << counts.bits); i++) {
        if (counts.keys[i] == EMPTY_KEY)
            continue;
        key_out[used] = counts.keys[i];
        count_out[used++] = counts.counts[i];
    }
    result = Py_BuildValue("NN", keys, amounts);
    goto free_counts;

no_memory:
    PyErr_NoMemory();
free_counts:
    counts_free(&counts);
release_pixels:
    PyBuffer_Release(&pixels);
    return result;
}

/* -- LZW --------------------------------------------------------------------------- */

/* GIF's LZW (89a, appendix F) for 8-bit palette indices, exactly as Pillow's encoder
 * (src/libImaging/GifEncode.c) writes it: a clear code first, greedy longest match,
 * code width growing as codes pass 2**width - 1, a clear code (and a fresh table)
 * once 4096 codes are taken, the last match, the end code, bits packed from the
 * least significant. The output depends only on which strings the table holds, not
 * on how it is hashed, so a tighter loop gives the same bytes. */

#define LZW_CLEAR 256u
#define LZW_END 257u
#define LZW_FIRST 258u
#define LZW_CODES 4096u
#define LZW_SLOT_BITS 13
#define LZW_SLOTS (1u << LZW_SLOT_BITS) /* at most 3838 entries: under half full */

typedef struct {
    uint8_t *out;
    size_t length;
    uint64_t bits; /* pending bits, the oldest lowest */
    unsigned count;
} BitWriter;

static inline void
put_code(BitWriter *writer, uint32_t code, unsigned width)
{
    writer->bits |= (uint64_t)code << writer->count;
    writer->count += width;
    while (writer->count >= 8) {
        writer->out[writer->length++] = (uint8_t)writer->bits;
        writer->bits >>= 8;
        writer->count -= 8;
    }
}

/* The table's strings that are one byte repeated, b^k, for runs: a frame's patch is
 * mostly long runs of the transparent index, and a flat fill is a long run of its
 * colour. Greedy matching through a run walks b^2, b^3... one table lookup a byte;
 * the table holds b^1 to b^longest[b] (it is prefix-closed), so a run of m more b's
 * after b^k moves straight to b^(k + m) while that is in the table. */
typedef struct {
    uint16_t length[LZW_CODES]; /* k if the code's string is b^k, else 0 */
    uint8_t byte[LZW_CODES];    /* its b */
    uint16_t longest[256];      /* the longest b^k in the table */
    uint16_t *codes[256];       /* codes[b][k]: the code of b^k, k >= 2 (made on use) */
} Runs;

static void
runs_reset(Runs *runs)
{
    for (unsigned b = 0; b < 256; b++)
        runs->longest[b] = 1;
}

static inline uint32_t
run_code(const Runs *runs, uint8_t b, unsigned k)
{
    return k == 1 ? b : runs->codes[b][k];
}

/* How many bytes from `p` (at most `n`) equal `b`. */
static inline Py_ssize_t
run_of(const uint8_t *p, Py_ssize_t n, uint8_t b)
{
    Py_ssize_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
    uint64_t pattern = 0x0101010101010101ull * b;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, 8);
        uint64_t differs = word ^ pattern;
        if (differs)
            return i + (__builtin_ctzll(differs) >> 3); /* the lowest address first */
    }
#endif
    while (i < n && p[i] == b)
        i++;
    return i;
}

/* The LZW data of `height` rows of `width` indices, without sub-block framing, into
 * `out` (room for every pixel's code, see lzw_data); returns its length, or -1 (a
 * MemoryError set). */
static Py_ssize_t
lzw_encode(const Py_buffer *view, Py_ssize_t height, Py_ssize_t width, uint8_t *out,
           uint32_t *slots, Runs *runs)
{
    BitWriter writer = {out, 0, 0, 0};
    unsigned code_width = 9;
    uint32_t next_code = LZW_FIRST, max_code = 511;
    memset(slots, 0, LZW_SLOTS * sizeof(uint32_t));
    for (unsigned b = 0; b < 256; b++) {
        runs->length[b] = 1;
        runs->byte[b] = (uint8_t)b;
    }
    runs->length[LZW_CLEAR] = runs->length[LZW_END] = 0;
    runs_reset(runs);
    put_code(&writer, LZW_CLEAR, code_width);
    const uint8_t *first_row = ROW(*view, const uint8_t, 0);
    uint32_t head = first_row[0];
    for (Py_ssize_t y = 0; y < height; y++) {
        const uint8_t *row = ROW(*view, const uint8_t, y);
        Py_ssize_t x = (y == 0);
        while (x < width) {
            uint32_t tail = row[x];
            unsigned k = runs->length[head];
            if (k && runs->byte[head] == tail) {
                /* head is b^k and a run of b follows: as far along it as the table
                 * goes; at its end the usual step below adds b^(longest + 1). */
                uint8_t b = (uint8_t)tail;
                Py_ssize_t m = run_of(row + x, width - x, b);
                unsigned longest = runs->longest[b];
                if (k + m <= longest) {
                    head = run_code(runs, b, k + (unsigned)m);
                    x += m;
                    continue;
                }
                x += longest - k;
                head = run_code(runs, b, longest);
            }
            /* An entry: code << 20 | head << 8 | tail (never 0: codes start at 258). */
            uint32_t key = head << 8 | tail;
            size_t slot = slot_of(key, LZW_SLOT_BITS);
            uint32_t entry;
            while ((entry = slots[slot]) != 0) {
                if ((entry & 0xFFFFFu) == key)
                    break;
                slot = (slot + 1) & (LZW_SLOTS - 1);
            }
            x++;
            if (entry != 0) {
                head = entry >> 20;
                continue;
            }
            put_code(&writer, head, code_width);
            if (next_code < LZW_CODES) {
                slots[slot] = next_code << 20 | key;
                k = runs->length[head];
                if (k && runs->byte[head] == tail) { /* b^(k + 1), k the longest */
                    uint8_t b = (uint8_t)tail;
                    if (runs->codes[b] == NULL) {
                        runs->codes[b] = malloc(LZW_CODES * sizeof(uint16_t));
                        if (runs->codes[b] == NULL) {
                            PyErr_NoMemory();
                            return -1;
                        }
                    }
                    runs->codes[b][k + 1] = (uint16_t)next_code;
                    runs->longest[b] = (uint16_t)(k + 1);
                    runs->length[next_code] = (uint16_t)(k + 1);
                    runs->byte[next_code] = b;
                } else {
                    runs->length[next_code] = 0;
                }
                if (next_code > max_code) {
                    max_code = 2 * max_code + 1;
                    code_width++;
                }
                next_code++;
            } else {
                put_code(&writer, LZW_CLEAR, code_width);
                memset(slots, 0, LZW_SLOTS * sizeof(uint32_t));
                runs_reset(runs);
                next_code = LZW_FIRST;
                max_code = 511;
                code_width = 9;
            }
            head = tail;
        }
    }
    put_code(&writer, head, code_width);
    put_code(&writer, LZW_END, code_width);
    if (writer.count)
        writer.out[writer.length++] = (uint8_t)writer.bits;
    return (Py_ssize_t)writer.length;
}

PyDoc_STRVAR(lzw_data_doc,
"lzw_data(indices)\n"
"\n"
"The GIF image data of an (H, W) uint8 array of palette indices (LZW minimum code\n"
"size 8) in data sub-blocks, without the block terminator: the same bytes as\n"
"Pillow's Image.fromarray(indices, 'P').tobytes('gif', 'P').");

static PyObject *
lzw_data(PyObject *Py_UNUSED(self), PyObject *arg)
{
    Py_buffer view;
    if (get_plane(arg, &view, 0, 1, "indices") < 0)
        return NULL;
    Py_ssize_t height = view.shape[0], width = view.shape[1];
    PyObject *result = NULL;
    if (height == 0 || width == 0) {
        result = PyBytes_FromStringAndSize(NULL, 0);
        goto release;
    }
    /* At most one code a pixel, plus the clears (one per 3838 codes), the first clear,
     * the last match and the end code: 12 bits each at most. */
    size_t pixels = (size_t)height * (size_t)width;
    /* A view may repeat a row (stride 0) far beyond memory: the bounds below must not
     * wrap, and such data could not be written anyway. */
    if (pixels > (size_t)PY_SSIZE_T_MAX / 16) {
        PyErr_NoMemory();
        goto release;
    }
    size_t codes = pixels + pixels / (LZW_CODES - LZW_FIRST) + 4;
    uint8_t *data = malloc(codes * 12 / 8 + 8);
    uint32_t *slots = malloc(LZW_SLOTS * sizeof(uint32_t));
    Runs *runs = calloc(1, sizeof(Runs));
    if (data == NULL || slots == NULL || runs == NULL) {
        free(data);
        free(slots);
        free(runs);
        PyErr_NoMemory();
        goto release;
    }
    Py_ssize_t encoded = lzw_encode(&view, height, width, data, slots, runs);
    free(slots);
    for (unsigned b = 0; b < 256; b++)
        free(runs->codes[b]);
    free(runs);
    if (encoded < 0) {
        free(data);
        goto release;
    }
    size_t length = (size_t)encoded;

    /* Sub-blocks of 255 bytes, framed as Pillow frames them: its tobytes hands the
     * encoder buffers of max(65536, 4 * width) bytes, and a sub-block never crosses
     * one (a buffer's last sub-block is shorter; a single byte left is not used). */
    size_t buffer = width * 4 > 65536 ? (size_t)width * 4 : 65536;
    size_t framed = length + length / 254 + 2 * (length / (buffer - 1) + 1) + 8;
    result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)framed);
    if (result == NULL) {
        free(data);
        goto release;
    }
    uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
    size_t written = 0, taken = 0, room = buffer;
    while (taken < length) {
        if (room < 2)
            room = buffer;
        size_t capacity = room - 1 < 255 ? room - 1 : 255;
        size_t size = length - taken < capacity ? length - taken : capacity;
        out[written++] = (uint8_t)size;
        memcpy(out + written, data + taken, size);
        written += size;
        taken += size;
        room -= size + 1;
    }
    free(data);
    if (_PyBytes_Resize(&result, (Py_ssize_t)written) < 0)
        result = NULL;

release:
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"changed_patch", changed_patch, METH_VARARGS, changed_patch_doc},
    {"count_keys", count_keys, METH_O, count_keys_doc},
    {"lzw_data", lzw_data, METH_O, lzw_data_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_convanim_kernels",
    "convanim's GIF writer's per-pixel loops, compiled (numpy gives the same results).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__convanim_kernels(void)
{
    PyObject *created = PyModule_Create(&module);
    /* convanim.writers._compiled uses a module of its own version only. */
    if (created != NULL && PyModule_AddIntConstant(created, "VERSION", KERNELS_VERSION) < 0)
        Py_CLEAR(created);
    return created;
}
