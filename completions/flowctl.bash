# SPDX-License-Identifier: Apache-2.0
# completions/flowctl.bash: bash completion for flowctl.
#
# Install: source this file from ~/.bashrc, or copy it to
# /usr/share/bash-completion/completions/flowctl.
#
# Subcommands and flags are not listed here: they are read from `flowctl [sub...] --help`
# (CLI11's "Options:" and "Subcommands:" sections) each time you press TAB, so new
# commands complete without touching this file. Only option *values* are known here.

# Prints the first column of one section ("Options" or "Subcommands") of CLI11 help
# text read from stdin. Option cells such as "-h,--help" are split at the comma.
_flowctl_section() {
    awk -v want="$1:" '
        $0 == want { on = 1; next }
        on && /^[^ \t]/ { on = 0 }
        on && NF {
            n = split($1, names, ",")
            for (i = 1; i <= n; i++) print names[i]
        }'
}

# Prints the options of the help text on stdin that take a value: those whose second
# column is a CLI11 type name such as TEXT, INT or TEXT=info.
_flowctl_value_options() {
    awk '
        $0 == "Options:" { on = 1; next }
        on && /^[^ \t]/ { on = 0 }
        on && NF >= 2 && $2 ~ /^[A-Z][A-Z_]*([=:].*|\.\.\.)?$/ {
            n = split($1, names, ",")
            for (i = 1; i <= n; i++) print names[i]
        }'
}

_flowctl() {
    local cur prev bin
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev=""
    ((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD - 1]}"
    bin="${COMP_WORDS[0]}"
    [[ "$bin" == "~/"* ]] && bin="$HOME/${bin#\~/}"
    COMPREPLY=()

    # `--opt=value`: bash splits at '=' (see COMP_WORDBREAKS), giving "--opt" "=" "value".
    if [[ "$cur" == "=" ]]; then
        prev="${COMP_WORDS[COMP_CWORD - 1]}"
        cur=""
    elif [[ "$prev" == "=" ]] && ((COMP_CWORD >= 2)); then
        prev="${COMP_WORDS[COMP_CWORD - 2]}"
    fi

    # Values of options flowctl documents.
    case "$prev" in
        --log.level)
            COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur"))
            return 0
            ;;
        --log.format)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return 0
            ;;
        --directory)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return 0
            ;;
        --source | --schema | --fixture)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
            ;;
    esac

    # Walk the words before the cursor to find the subcommand path (e.g. "raw bundle"),
    # skipping option values so that `--log.level debug` is not taken for a command.
    local -a path=()
    local help subs value_opts word i skip=0
    help="$("$bin" --help 2>/dev/null)"
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if ((skip)); then
            skip=0
            continue
        fi
        if [[ "$word" == "=" ]]; then
            skip=1  # the value after "--opt="
            continue
        fi
        if [[ "$word" == -* ]]; then
            value_opts="$(_flowctl_value_options <<<"$help")"
            if [[ "$word" != *=* && $'\n'"$value_opts"$'\n' == *$'\n'"$word"$'\n'* ]] &&
                [[ "${COMP_WORDS[i + 1]}" != "=" ]]; then
                skip=1
            fi
            continue
        fi
        subs="$(_flowctl_section Subcommands <<<"$help")"
        if [[ $'\n'"$subs"$'\n' == *$'\n'"$word"$'\n'* ]]; then
            path+=("$word")
            help="$("$bin" "${path[@]}" --help 2>/dev/null)"
        fi
    done

    if [[ "$cur" == -* ]]; then
        local flags
        flags="$(
            _flowctl_section Options <<<"$help"
            # Global flags are always offered at the top level, even if --help failed.
            ((${#path[@]} == 0)) && printf '%s\n' --help --version --log.level --log.format
        )"
        COMPREPLY=($(compgen -W "$(sort -u <<<"$flags")" -- "$cur"))
        return 0
    fi

    subs="$(_flowctl_section Subcommands <<<"$help")"
    if [[ -n "$subs" ]]; then
        COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    fi
    if ((${#COMPREPLY[@]} == 0)); then
        # Positional arguments of a leaf command are usually paths.
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
}

complete -F _flowctl flowctl
