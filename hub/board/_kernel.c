/* The board comparison's arithmetic over whole KPI blocks, in fixed point on 128-bit integers.

   hub/board/kernel.py holds the same functions written with Python's decimal module: it is what
   runs where this file could not be compiled, it takes over whenever this code meets a figure it
   does not handle (an exponent, more than 36 digits, a result beyond 38 digits: the functions
   then return None), and tests/board/test_kernel.py holds the two to the same text, value by
   value. The rules themselves (money in the group currency to the cent, every other step exact,
   half-even rounding to the cent) are documented in kernel.py.

   Values are (mantissa, scale) pairs: "-12.50" is (-1250, 2). Every product and sum is checked
   for overflow. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

#define MAX_DIGITS 36
#define MAX_SCALE 18

static i128 P10[39];

typedef struct {
    i128 m;
    int scale;
    int present;
} Value;

/* 1: a value; 0: "NaN" (no figure); -1: anything this code leaves to Python. */
static int parse(PyObject *text, Value *out) {
    out->present = 0;
    if (!PyUnicode_Check(text)) return -1;
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    if (s == NULL) {
        PyErr_Clear();
        return -1;
    }
    if (n == 3 && memcmp(s, "NaN", 3) == 0) return 0;
    Py_ssize_t i = 0;
    int negative = 0, digits = 0, scale = 0, point = 0, any = 0;
    if (i < n && s[i] == '-') {
        negative = 1;
        i++;
    }
    i128 m = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (digits || c != '0') digits++;
            if (digits > MAX_DIGITS) return -1;
            m = m * 10 + (c - '0');
            any = 1;
            if (point && ++scale > MAX_SCALE) return -1;
        } else if (c == '.' && !point) {
            point = 1;
        } else {
            return -1;
        }
    }
    if (!any) return -1;
    out->m = negative ? -m : m;
    out->scale = scale;
    out->present = 1;
    return 1;
}

static int mul(i128 a, i128 b, i128 *r) { return !__builtin_mul_overflow(a, b, r); }

/* `v` at scale `from` written at scale `to` >= from. */
static int rescale(i128 v, int from, int to, i128 *r) { return mul(v, P10[to - from], r); }

static int fits64(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

/* n / d rounded half-even, d != 0, both within 64 bits (a 128-bit division costs several
   times more, and most figures fit). */
static i128 divide64(int64_t n, int64_t d) {
    if (d < 0) {
        n = -n;
        d = -d;
    }
    int64_t quotient = n / d, rest = n % d;
    if (rest != 0) {
        uint64_t twice = (uint64_t)(rest < 0 ? -rest : rest) * 2;
        if (twice > (uint64_t)d || (twice == (uint64_t)d && (quotient & 1)))
            quotient += n < 0 ? -1 : 1;
    }
    return quotient;
}

/* n / d rounded half-even; d != 0. */
static int divide(i128 n, i128 d, i128 *q) {
    if (fits64(n) && fits64(d) && n != INT64_MIN && d != INT64_MIN) {
        *q = divide64((int64_t)n, (int64_t)d);
        return 1;
    }
    if (d < 0) {
        if (!mul(n, -1, &n)) return 0;
        d = -d;
    }
    i128 quotient = n / d, rest = n % d;
    if (rest != 0) {
        u128 twice = (u128)(rest < 0 ? -rest : rest) * 2, whole = (u128)d; /* |rest| < d */
        if (twice > whole || (twice == whole && (quotient & 1))) quotient += n < 0 ? -1 : 1;
    }
    *q = quotient;
    return 1;
}

/* `v` at scale `from` to the cent (scale 2), half-even. */
static int to_cents(i128 v, int from, i128 *r) {
    if (from <= 2) return rescale(v, from, 2, r);
    return divide(v, P10[from - 2], r);
}

/* Writes `v` at `scale` ("-12.50") to end at `end`; returns where it starts. */
static char *digits(i128 v, int scale, char *end) {
    char *p = end;
    u128 u = v < 0 ? -(u128)v : (u128)v;
    int k = 0;
    for (; u > UINT64_MAX; k++) { /* beyond 64 bits: the slow division, rarely */
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
        if (k + 1 == scale) *--p = '.';
    }
    uint64_t w = (uint64_t)u;
    for (; k < scale; k++) {
        *--p = (char)('0' + (int)(w % 10));
        w /= 10;
        if (k + 1 == scale) *--p = '.';
    }
    do {
        *--p = (char)('0' + (int)(w % 10));
        w /= 10;
    } while (w);
    if (v < 0) *--p = '-';
    return p;
}

static PyObject *text(i128 v, int scale) {
    char buffer[64];
    char *end = buffer + sizeof buffer, *p = digits(v, scale, end);
    Py_ssize_t length = end - p;
    PyObject *s = PyUnicode_New(length, 127);
    if (s != NULL) memcpy(PyUnicode_DATA(s), p, (size_t)length);
    return s;
}

/* A row of the answer as JSON, written as it is computed: ["1.50",null,"-2.00"]. */
typedef struct {
    char *data;
    size_t length, capacity;
} Row;

static int reserve(Row *r, size_t more) {
    if (r->length + more <= r->capacity) return 0;
    size_t capacity = (r->capacity ? r->capacity * 2 : 256) + more;
    char *data = PyMem_Realloc(r->data, capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    r->data = data;
    r->capacity = capacity;
    return 0;
}

static int row_start(Row *r) {
    r->length = 0;
    if (reserve(r, 1) < 0) return -1;
    r->data[r->length++] = '[';
    return 0;
}

static int row_item(Row *r, int first, const char *item, size_t length, int quoted) {
    if (reserve(r, length + 3) < 0) return -1;
    if (!first) r->data[r->length++] = ',';
    if (quoted) r->data[r->length++] = '"';
    memcpy(r->data + r->length, item, length);
    r->length += length;
    if (quoted) r->data[r->length++] = '"';
    return 0;
}

static int row_value(Row *r, int first, i128 v, int scale) {
    char buffer[64];
    char *end = buffer + sizeof buffer, *p = digits(v, scale, end);
    return row_item(r, first, p, (size_t)(end - p), 1);
}

static int row_null(Row *r, int first) { return row_item(r, first, "null", 4, 0); }

/* The row as bytes, appended to `rows`; the same bytes object as `same`'s last when equal. */
static int row_end(Row *r, PyObject *rows, PyObject *same) {
    if (reserve(r, 1) < 0) return -1;
    r->data[r->length++] = ']';
    PyObject *b = NULL;
    if (same != NULL) {
        PyObject *other = PyList_GET_ITEM(same, PyList_GET_SIZE(same) - 1);
        if ((size_t)PyBytes_GET_SIZE(other) == r->length &&
            memcmp(PyBytes_AS_STRING(other), r->data, r->length) == 0) {
            b = Py_NewRef(other);
        }
    }
    if (b == NULL && (b = PyBytes_FromStringAndSize(r->data, (Py_ssize_t)r->length)) == NULL)
        return -1;
    int failed = PyList_Append(rows, b);
    Py_DECREF(b);
    return failed;
}

/* Fast decimal-to-text for the common case: a 64-bit mantissa at scale 2. */
static PyObject *cents_text(i128 v) { return text(v, 2); }

static int compare_values(const void *a, const void *b) {
    i128 x = *(const i128 *)a, y = *(const i128 *)b;
    return (x > y) - (x < y);
}

/* A list of `n` Nones, to be filled. */
static PyObject *nones(Py_ssize_t n) {
    PyObject *list = PyList_New(n);
    if (list == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(list, i, Py_None);
    }
    return list;
}

static void put(PyObject *list, Py_ssize_t i, PyObject *item) {
    PyObject *old = PyList_GET_ITEM(list, i);
    PyList_SET_ITEM(list, i, item);
    Py_DECREF(old);
}

#define LEAVE_TO_PYTHON -2

/* Reads `count` values from a list of texts; LEAVE_TO_PYTHON if one is not for this code. */
static int read_values(PyObject *list, Py_ssize_t count, Value *values) {
    for (Py_ssize_t i = 0; i < count; i++) {
        if (parse(PyList_GET_ITEM(list, i), &values[i]) < 0) return LEAVE_TO_PYTHON;
    }
    return 0;
}

/* `rows` lists of `columns` Nones, to be filled. */
static PyObject *matrix(Py_ssize_t rows, Py_ssize_t columns) {
    PyObject *m = PyList_New(rows);
    if (m == NULL) return NULL;
    for (Py_ssize_t e = 0; e < rows; e++) {
        PyObject *row = nones(columns);
        if (row == NULL) {
            Py_DECREF(m);
            return NULL;
        }
        PyList_SET_ITEM(m, e, row);
    }
    return m;
}

static void put_at(PyObject *m, Py_ssize_t e, Py_ssize_t j, PyObject *item) {
    put(PyList_GET_ITEM(m, e), j, item);
}

#define OUTPUTS 9

/* values and ranks: a row per entity of the shown columns, as lists; eur, eur_cents, changes,
   change_cents and percents: a JSON row (bytes) per entity of the shown columns; sums and
   missing: per column, every column. */
enum { VALUES, EUR, EUR_CENTS, CHANGES, CHANGE_CENTS, PERCENTS, RANKS, SUMS, MISSING };
#define JSON_ROWS 5 /* EUR .. PERCENTS */

/* 0 done, -1 Python error set, LEAVE_TO_PYTHON. */
static int compute(PyObject *texts, Value *eur, Py_ssize_t rows, Py_ssize_t width,
                   PyObject **o, i128 *column, Row *row) {
    Py_ssize_t shown = width - 1;
    if ((o[VALUES] = matrix(rows, shown)) == NULL || (o[RANKS] = matrix(rows, shown)) == NULL)
        return -1;
    for (int k = EUR; k <= PERCENTS; k++)
        if ((o[k] = PyList_New(0)) == NULL) return -1;
    if ((o[SUMS] = nones(width)) == NULL || (o[MISSING] = matrix(width, 0)) == NULL) return -1;
    for (Py_ssize_t e = 0; e < rows; e++) {
        for (int k = 0; k < JSON_ROWS; k++)
            if (row_start(&row[k]) < 0) return -1;
        for (Py_ssize_t j = 0; j < width; j++) {
            Value *now = &eur[e * width + j];
            if (!now->present) {
                PyObject *index = PyLong_FromSsize_t(e);
                int failed = index == NULL || PyList_Append(PyList_GET_ITEM(o[MISSING], j), index);
                Py_XDECREF(index);
                if (failed) return -1;
            }
            if (j == 0) continue;
            int first = j == 1;
            Row *r_eur = &row[0], *r_cents = &row[1], *r_change = &row[2],
                *r_change_cents = &row[3], *r_percent = &row[4];
            PyObject *given = PyList_GET_ITEM(texts, e * width + j);
            if (PyUnicode_GET_LENGTH(given) != 3 || PyUnicode_READ_CHAR(given, 0) != 'N') {
                Py_INCREF(given);
                put_at(o[VALUES], e, j - 1, given);
            }
            Value *then = &eur[e * width + j - 1];
            if (!now->present) {
                if (row_null(r_eur, first) < 0 || row_null(r_cents, first) < 0 ||
                    row_null(r_change, first) < 0 || row_null(r_change_cents, first) < 0 ||
                    row_null(r_percent, first) < 0)
                    return -1;
                continue;
            }
            i128 c;
            if (row_value(r_eur, first, now->m, now->scale) < 0) return -1;
            if (!to_cents(now->m, now->scale, &c)) return LEAVE_TO_PYTHON;
            if (row_value(r_cents, first, c, 2) < 0) return -1;
            if (!then->present) {
                if (row_null(r_change, first) < 0 || row_null(r_change_cents, first) < 0 ||
                    row_null(r_percent, first) < 0)
                    return -1;
                continue;
            }
            int scale = now->scale > then->scale ? now->scale : then->scale;
            i128 a, b, change;
            if (!rescale(now->m, now->scale, scale, &a) || !rescale(then->m, then->scale, scale, &b))
                return LEAVE_TO_PYTHON;
            if (__builtin_sub_overflow(a, b, &change)) return LEAVE_TO_PYTHON;
            if (row_value(r_change, first, change, scale) < 0) return -1;
            if (!to_cents(change, scale, &c)) return LEAVE_TO_PYTHON;
            if (row_value(r_change_cents, first, c, 2) < 0) return -1;
            if (then->m == 0) {
                if (row_null(r_percent, first) < 0) return -1;
                continue;
            }
            /* change % to the cent: change * 100 * 100 * 10^then.scale / (|then| * 10^scale) */
            i128 numerator, denominator, percent;
            if (!mul(change, P10[4 + then->scale], &numerator) ||
                !mul(then->m < 0 ? -then->m : then->m, P10[scale], &denominator))
                return LEAVE_TO_PYTHON;
            if (!divide(numerator, denominator, &percent)) return LEAVE_TO_PYTHON;
            if (row_value(r_percent, first, percent, 2) < 0) return -1;
        }
        if (row_end(&row[0], o[EUR], NULL) < 0 || row_end(&row[1], o[EUR_CENTS], o[EUR]) < 0 ||
            row_end(&row[2], o[CHANGES], NULL) < 0 ||
            row_end(&row[3], o[CHANGE_CENTS], o[CHANGES]) < 0 ||
            row_end(&row[4], o[PERCENTS], NULL) < 0)
            return -1;
    }
    /* Ranks per shown column: 1 + how many present values are higher. */
    for (Py_ssize_t j = 1; j < width; j++) {
        int scale = 0;
        for (Py_ssize_t e = 0; e < rows; e++) {
            Value *v = &eur[e * width + j];
            if (v->present && v->scale > scale) scale = v->scale;
        }
        Py_ssize_t n = 0;
        for (Py_ssize_t e = 0; e < rows; e++) {
            Value *v = &eur[e * width + j];
            if (v->present && !rescale(v->m, v->scale, scale, &column[n++])) return LEAVE_TO_PYTHON;
        }
        qsort(column, (size_t)n, sizeof(i128), compare_values);
        for (Py_ssize_t e = 0; e < rows; e++) {
            Value *v = &eur[e * width + j];
            if (!v->present) continue;
            i128 x = v->m * P10[scale - v->scale]; /* checked above */
            Py_ssize_t low = 0, high = n;          /* first position holding more than x */
            while (low < high) {
                Py_ssize_t middle = (low + high) / 2;
                if (column[middle] > x)
                    high = middle;
                else
                    low = middle + 1;
            }
            PyObject *rank = PyLong_FromSsize_t(n - low + 1);
            if (rank == NULL) return -1;
            put_at(o[RANKS], e, j - 1, rank);
        }
    }
    /* Sums per column, every column (the first is the period before). */
    for (Py_ssize_t j = 0; j < width; j++) {
        int scale = 0, any = 0;
        for (Py_ssize_t e = 0; e < rows; e++) {
            Value *v = &eur[e * width + j];
            if (v->present) {
                any = 1;
                if (v->scale > scale) scale = v->scale;
            }
        }
        if (!any) continue;
        i128 sum = 0, x;
        for (Py_ssize_t e = 0; e < rows; e++) {
            Value *v = &eur[e * width + j];
            if (!v->present) continue;
            if (!rescale(v->m, v->scale, scale, &x) || __builtin_add_overflow(sum, x, &sum))
                return LEAVE_TO_PYTHON;
        }
        PyObject *t = text(sum, scale);
        if (t == NULL) return -1;
        put(o[SUMS], j, t);
    }
    return 0;
}

static PyObject *block(PyObject *module, PyObject *args) {
    PyObject *texts, *rates;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "O!On", &PyList_Type, &texts, &rates, &width)) return NULL;
    if (rates != Py_None && !PyList_Check(rates)) {
        PyErr_SetString(PyExc_TypeError, "rates: a list or None");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(texts);
    if (width < 1 || count % width != 0 ||
        (rates != Py_None && PyList_GET_SIZE(rates) != count)) {
        PyErr_SetString(PyExc_ValueError, "texts and rates: rows of `width` values");
        return NULL;
    }
    Value *values = PyMem_Calloc((size_t)count + 1, sizeof(Value));
    i128 *column = PyMem_Calloc((size_t)count + 1, sizeof(i128));
    PyObject *o[OUTPUTS] = {0};
    PyObject *result = NULL;
    if (values == NULL || column == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int status = read_values(texts, count, values);
    if (status == 0 && rates != Py_None) {
        /* money: in the group currency to the cent, amount / rate rounded once, half-even */
        for (Py_ssize_t i = 0; i < count && status == 0; i++) {
            Value rate, *v = &values[i];
            int found = parse(PyList_GET_ITEM(rates, i), &rate);
            if (found < 0) {
                status = LEAVE_TO_PYTHON;
            } else if (v->present) {
                if (!found || rate.m == 0) {
                    v->present = 0;
                    continue;
                }
                i128 numerator, denominator, cents;
                int up = 2 + rate.scale - v->scale; /* amount * 10^up / rate.m */
                if (up >= 0) {
                    if (up > 38 || !mul(v->m, P10[up], &numerator)) status = LEAVE_TO_PYTHON;
                    denominator = rate.m;
                } else {
                    numerator = v->m;
                    if (-up > 38 || !mul(rate.m, P10[-up], &denominator)) status = LEAVE_TO_PYTHON;
                }
                if (status == 0 && !divide(numerator, denominator, &cents)) status = LEAVE_TO_PYTHON;
                v->m = cents;
                v->scale = 2;
            }
        }
    }
    Row row[JSON_ROWS] = {{0}};
    if (status == 0) status = compute(texts, values, count / width, width, o, column, row);
    for (int k = 0; k < JSON_ROWS; k++) PyMem_Free(row[k].data);
    if (status == LEAVE_TO_PYTHON) {
        result = Py_NewRef(Py_None);
    } else if (status == 0) {
        result = PyTuple_New(OUTPUTS);
        if (result != NULL)
            for (int k = 0; k < OUTPUTS; k++) PyTuple_SET_ITEM(result, k, Py_NewRef(o[k]));
    }
done:
    for (int k = 0; k < OUTPUTS; k++) Py_XDECREF(o[k]);
    PyMem_Free(values);
    PyMem_Free(column);
    return result;
}

/* One row of quotients into `found`; 0 done, -1 Python error, LEAVE_TO_PYTHON. */
static int quotient_row(PyObject *tops, PyObject *bottoms, Value *factor, PyObject *found) {
    Py_ssize_t count = PyList_GET_SIZE(tops);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *top = PyList_GET_ITEM(tops, i), *bottom = PyList_GET_ITEM(bottoms, i);
        if (top == Py_None || bottom == Py_None) continue;
        Value t, b;
        if (parse(top, &t) != 1 || parse(bottom, &b) != 1) return LEAVE_TO_PYTHON;
        if (b.m == 0) continue;
        /* t * f / b to the cent: t.m * f.m * 10^(2 + b.scale) / (b.m * 10^(t.scale + f.scale)) */
        i128 numerator, denominator = b.m, q;
        int up = 2 + b.scale - t.scale - factor->scale;
        if (!mul(t.m, factor->m, &numerator)) return LEAVE_TO_PYTHON;
        if (up >= 0 ? !mul(numerator, P10[up], &numerator) : !mul(denominator, P10[-up], &denominator))
            return LEAVE_TO_PYTHON;
        if (!divide(numerator, denominator, &q)) return LEAVE_TO_PYTHON;
        PyObject *s = cents_text(q);
        if (s == NULL) return -1;
        put(found, i, s);
    }
    return 0;
}

static PyObject *quotients(PyObject *module, PyObject *args) {
    PyObject *tops, *bottoms, *factor_text;
    if (!PyArg_ParseTuple(args, "O!O!U", &PyList_Type, &tops, &PyList_Type, &bottoms,
                          &factor_text))
        return NULL;
    Py_ssize_t rows = PyList_GET_SIZE(tops);
    Value factor;
    if (PyList_GET_SIZE(bottoms) != rows) goto shape;
    if (parse(factor_text, &factor) != 1) Py_RETURN_NONE;
    PyObject *found = PyList_New(rows);
    if (found == NULL) return NULL;
    for (Py_ssize_t e = 0; e < rows; e++) {
        PyObject *top = PyList_GET_ITEM(tops, e), *bottom = PyList_GET_ITEM(bottoms, e);
        if (!PyList_Check(top) || !PyList_Check(bottom) ||
            PyList_GET_SIZE(top) != PyList_GET_SIZE(bottom)) {
            Py_DECREF(found);
            goto shape;
        }
        PyObject *row = nones(PyList_GET_SIZE(top));
        if (row == NULL) {
            Py_DECREF(found);
            return NULL;
        }
        PyList_SET_ITEM(found, e, row);
        int status = quotient_row(top, bottom, &factor, row);
        if (status != 0) {
            Py_DECREF(found);
            if (status == -1) return NULL;
            Py_RETURN_NONE;
        }
    }
    return found;
shape:
    PyErr_SetString(PyExc_ValueError, "tops and bottoms: rows of as many values");
    return NULL;
}

/* The index `dict` gives `key`, in [0, bound); a ValueError naming `what` when there is none. */
static int index_of(PyObject *dict, PyObject *key, Py_ssize_t bound, const char *what,
                    Py_ssize_t *out) {
    PyObject *found = PyDict_GetItemWithError(dict, key);
    if (found == NULL) {
        if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "unknown %s %R", what, key);
        return -1;
    }
    Py_ssize_t v = PyLong_AsSsize_t(found);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < 0 || v >= bound) {
        PyErr_Format(PyExc_ValueError, "%s %R: index %zd out of range [0, %zd)", what, key, v,
                     bound);
        return -1;
    }
    *out = v;
    return 0;
}

#define PROVENANCES 8

/* The provenances met so far (a handful of words), made into Python text once each. */
typedef struct {
    PyObject *text[PROVENANCES];
    int count;
} Words;

static PyObject *word(Words *words, const char *s, Py_ssize_t n) {
    for (int i = 0; i < words->count; i++) {
        Py_ssize_t size;
        const char *known = PyUnicode_AsUTF8AndSize(words->text[i], &size);
        if (known != NULL && size == n && memcmp(known, s, (size_t)n) == 0) {
            Py_INCREF(words->text[i]);
            return words->text[i];
        }
    }
    PyObject *made = PyUnicode_FromStringAndSize(s, n);
    if (made != NULL && words->count < PROVENANCES) {
        Py_INCREF(made);
        words->text[words->count++] = made;
    }
    return made;
}

/* The KPIs asked for, as UTF-8 names sorted by name: a figure's line is matched against them
   without making its name into Python text. Lines come sorted by KPI, so the entry after the
   last one matched is tried first. */
typedef struct {
    const char *name;
    Py_ssize_t size;
    Py_ssize_t index;
} Kpi;

typedef struct {
    Kpi *kpis;
    Py_ssize_t count;
    Py_ssize_t next;
} Kpis;

static int by_name(const void *a, const void *b) {
    const Kpi *x = a, *y = b;
    Py_ssize_t n = x->size < y->size ? x->size : y->size;
    int order = memcmp(x->name, y->name, (size_t)n);
    return order ? order : (x->size > y->size) - (x->size < y->size);
}

/* -1 with an exception set when `dict` is not names to indices in [0, len(dict)). */
static int kpis_of(PyObject *dict, Kpis *out) {
    out->count = PyDict_GET_SIZE(dict);
    out->next = 0;
    out->kpis = PyMem_Malloc(sizeof(Kpi) * (size_t)(out->count ? out->count : 1));
    if (out->kpis == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    PyObject *key, *value;
    Py_ssize_t at = 0, i = 0;
    while (PyDict_Next(dict, &at, &key, &value)) {
        Kpi *kpi = &out->kpis[i++];
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "kpis: names (text) to indices");
            return -1;
        }
        if ((kpi->name = PyUnicode_AsUTF8AndSize(key, &kpi->size)) == NULL) return -1;
        kpi->index = PyLong_AsSsize_t(value);
        if (kpi->index == -1 && PyErr_Occurred()) return -1;
        if (kpi->index < 0 || kpi->index >= out->count) {
            PyErr_Format(PyExc_ValueError, "KPI index %zd out of range [0, %zd)", kpi->index,
                         out->count);
            return -1;
        }
    }
    qsort(out->kpis, (size_t)out->count, sizeof(Kpi), by_name);
    return 0;
}

static int is_kpi(const Kpi *kpi, const char *name, Py_ssize_t size) {
    return kpi->size == size && memcmp(kpi->name, name, (size_t)size) == 0;
}

/* The index of the KPI named `name`, -1 when it is not asked for. */
static Py_ssize_t kpi_index(Kpis *kpis, const char *name, Py_ssize_t size) {
    if (kpis->next < kpis->count && is_kpi(&kpis->kpis[kpis->next], name, size))
        return kpis->kpis[kpis->next++].index;
    for (Py_ssize_t i = 0; i < kpis->count; i++) {
        if (is_kpi(&kpis->kpis[i], name, size)) {
            kpis->next = i + 1;
            return kpis->kpis[i].index;
        }
    }
    return -1;
}

/* One block's lines ("kpi<TAB>amount<TAB>provenance" each) into the grids at row `e`, `column`. */
static int place_lines(PyObject *lines, Kpis *kpis, Py_ssize_t e, Py_ssize_t column,
                       Py_ssize_t width, PyObject *texts, PyObject *marks, Words *words) {
    if (!PyUnicode_Check(lines)) {
        PyErr_SetString(PyExc_TypeError, "a block's lines: text");
        return -1;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(lines, &n);
    if (s == NULL) return -1;
    const char *end = s + n;
    kpis->next = 0;
    while (s < end) {
        const char *eol = memchr(s, '\n', (size_t)(end - s));
        if (eol == NULL) eol = end;
        if (eol == s) {
            s = eol + 1;
            continue;
        }
        const char *tab = memchr(s, '\t', (size_t)(eol - s));
        const char *tab2 = tab == NULL ? NULL : memchr(tab + 1, '\t', (size_t)(eol - tab - 1));
        if (tab2 == NULL || memchr(tab2 + 1, '\t', (size_t)(eol - tab2 - 1)) != NULL) {
            PyObject *line = PyUnicode_FromStringAndSize(s, eol - s);
            if (line != NULL) {
                PyErr_Format(PyExc_ValueError,
                             "a figure's line is not kpi<TAB>amount<TAB>provenance: %R", line);
                Py_DECREF(line);
            }
            return -1;
        }
        Py_ssize_t k = kpi_index(kpis, s, tab - s);
        if (k < 0) {
            s = eol + 1; /* a KPI the comparison does not show */
            continue;
        }
        PyObject *amount = PyUnicode_FromStringAndSize(tab + 1, tab2 - tab - 1);
        if (amount == NULL) return -1;
        put(PyList_GET_ITEM(texts, k), e * width + column, amount);
        if (column > 0) {
            PyObject *provenance = word(words, tab2 + 1, eol - tab2 - 1);
            if (provenance == NULL) return -1;
            put_at(PyList_GET_ITEM(marks, k), e, column - 1, provenance);
        }
        s = eol + 1;
    }
    return 0;
}

static PyObject *place(PyObject *module, PyObject *args) {
    PyObject *blocks, *kpis, *entities, *columns;
    PyObject *nan = NULL, *texts = NULL, *marks = NULL, *iterator = NULL, *item = NULL;
    Words words = {{NULL}, 0};
    Kpis table = {NULL, 0, 0};
    if (!PyArg_ParseTuple(args, "OO!O!O!", &blocks, &PyDict_Type, &kpis, &PyDict_Type, &entities,
                          &PyDict_Type, &columns))
        return NULL;
    Py_ssize_t count = PyDict_GET_SIZE(kpis), rows = PyDict_GET_SIZE(entities),
               width = PyDict_GET_SIZE(columns);
    if (width < 1) {
        PyErr_SetString(PyExc_ValueError, "columns: at least one");
        return NULL;
    }
    if (kpis_of(kpis, &table) < 0 || (nan = PyUnicode_FromString("NaN")) == NULL ||
        (texts = PyList_New(count)) == NULL || (marks = PyList_New(count)) == NULL)
        goto fail;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *flat = PyList_New(rows * width), *grid = matrix(rows, width - 1);
        if (flat == NULL || grid == NULL) {
            Py_XDECREF(flat);
            Py_XDECREF(grid);
            goto fail;
        }
        for (Py_ssize_t i = 0; i < rows * width; i++) {
            Py_INCREF(nan);
            PyList_SET_ITEM(flat, i, nan);
        }
        PyList_SET_ITEM(texts, k, flat);
        PyList_SET_ITEM(marks, k, grid);
    }
    if ((iterator = PyObject_GetIter(blocks)) == NULL) goto fail;
    while ((item = PyIter_Next(iterator)) != NULL) {
        PyObject *entity = PySequence_GetItem(item, 0), *period = PySequence_GetItem(item, 1),
                 *lines = PySequence_GetItem(item, 2);
        Py_ssize_t e, column;
        int status = (entity == NULL || period == NULL || lines == NULL ||
                      index_of(entities, entity, rows, "entity", &e) < 0 ||
                      index_of(columns, period, width, "period", &column) < 0 ||
                      place_lines(lines, &table, e, column, width, texts, marks, &words) < 0)
                         ? -1
                         : 0;
        Py_XDECREF(entity);
        Py_XDECREF(period);
        Py_XDECREF(lines);
        Py_CLEAR(item);
        if (status < 0) goto fail;
    }
    if (PyErr_Occurred()) goto fail;
    for (int i = 0; i < words.count; i++) Py_DECREF(words.text[i]);
    PyMem_Free(table.kpis);
    Py_DECREF(iterator);
    Py_DECREF(nan);
    PyObject *result = PyTuple_Pack(2, texts, marks);
    Py_DECREF(texts);
    Py_DECREF(marks);
    return result;
fail:
    for (int i = 0; i < words.count; i++) Py_DECREF(words.text[i]);
    PyMem_Free(table.kpis);
    Py_XDECREF(item);
    Py_XDECREF(iterator);
    Py_XDECREF(nan);
    Py_XDECREF(texts);
    Py_XDECREF(marks);
    return NULL;
}

static PyMethodDef methods[] = {
    {"block", block, METH_VARARGS,
     "block(texts, rates, width) -> (values, eur, eur_cents, changes, change_cents, percents, "
     "ranks, sums, missing) or None: see hub/board/kernel.py's block"},
    {"quotients", quotients, METH_VARARGS,
     "quotients(tops, bottoms, factor) -> rows or None: see hub/board/kernel.py's quotients"},
    {"place", place, METH_VARARGS,
     "place(blocks, kpis, entities, columns) -> (texts, provenances): see hub/board/kernel.py's "
     "place"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", NULL, -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) {
    P10[0] = 1;
    for (int i = 1; i < 39; i++) P10[i] = P10[i - 1] * 10;
    return PyModule_Create(&module);
}
