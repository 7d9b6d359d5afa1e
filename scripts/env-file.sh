# Sourced by scripts/serve and scripts/manage: read NIGHTLEG_ENV_FILE (default .env) if it
# exists, the way systemd's EnvironmentFile= does: KEY=VALUE lines, # comments, one pair of
# surrounding quotes removed, and nothing evaluated (a $ or ` in a password stays as it is).
# Variables already set in the environment win over the file.
load_env_file() {
  local file=${NIGHTLEG_ENV_FILE:-.env} line key value n=0
  [ -f "$file" ] || return 0
  echo "Reading settings from $file"
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line=${line#"${line%%[![:space:]]*}"}
    case $line in '' | '#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    if [[ $line != *=* || ! $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
      echo "$file line $n is not KEY=VALUE" >&2
      return 2
    fi
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    [ -n "${!key+set}" ] || export "$key=$value"
  done <"$file"
}
