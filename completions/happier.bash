# bash completion for happier. Install: source <(happier completion bash)
# or copy to /usr/share/bash-completion/completions/happier.
_happier() {
    local cur words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n =: || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
    fi
    local IFS=$'\n'
    # happier reads the command tree itself; the words after `happier`, up to and
    # including the one under the cursor, are all it needs.
    COMPREPLY=($(command happier __complete -- "${words[@]:1:cword}" 2>/dev/null))
    return 0
}
complete -o default -F _happier happier
